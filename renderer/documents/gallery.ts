/** The gallery's cards from the bundled scenarios (pure). */
import type { Example } from '../stores/examples';

export interface GalleryCard {
  name: string;
  /** '03' */
  number: string;
  /** The title without its number: 'Map into an IOAS with four domains (fill_domains)'. */
  title: string;
  teaches: string;
}

export function galleryCards(examples: readonly Example[]): GalleryCard[] {
  return examples.map((ex) => {
    const m = /^(\d+)\s*[—–-]\s*(.*)$/.exec(ex.title);
    return {
      name: ex.name,
      number: m?.[1] ?? '',
      title: (m?.[2] ?? ex.title).trim(),
      teaches: ex.teaches,
    };
  });
}

/** Cards whose name, title or teaching text hold every word of `query`. */
export function filterCards(cards: readonly GalleryCard[], query: string): GalleryCard[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...cards];
  return cards.filter((c) => {
    const hay = `${c.name} ${c.title} ${c.teaches}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
