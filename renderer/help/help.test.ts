import { describe, expect, it } from 'vitest';
import emulatedMd from '../../docs/EMULATED.md?raw';
import { COMMANDS } from '../../electron/shared/commands';
import { parseEmulated } from './emulated';
import { inlineSegments } from './inline';
import { shortcutGroups } from './shortcuts';

describe('What is emulated', () => {
  it('reads docs/EMULATED.md: kernel version, what is included, what is left out', () => {
    const doc = parseEmulated(emulatedMd);
    expect(doc.title).toMatch(/emulates/i);
    expect(doc.intro.join(' ')).toContain('v6.2');
    const parts = doc.included.map((r) => r.part);
    expect(parts).toEqual(expect.arrayContaining(['physical memory', 'the IOMMU', 'iommufd', 'failure']));
    expect(doc.included.every((r) => r.what.length > 40)).toBe(true);
    const left = doc.leftOut.join('\n');
    expect(left).toContain('No real DMA');
    expect(left).toContain('IOTLB');
    expect(doc.leftOut.length).toBeGreaterThanOrEqual(5);
  });

  it('parses a table and a list that wraps onto two lines', () => {
    const doc = parseEmulated(
      '# T\n\nIntro\nline two.\n\nSecond.\n\n## Emulated\n\n| a | b |\n|---|---|\n| x | y `z` |\n\n## Left out\n\n- one\n  more\n- two\n',
    );
    expect(doc).toEqual({
      title: 'T',
      intro: ['Intro line two.', 'Second.'],
      included: [{ part: 'x', what: 'y `z`' }],
      leftOut: ['one more', 'two'],
    });
  });

  it('turns inline Markdown into plain segments, links to their text', () => {
    expect(inlineSegments('a `b` **c** [d](x.md#y) e')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'code', text: 'b' },
      { kind: 'text', text: ' ' },
      { kind: 'strong', text: 'c' },
      { kind: 'text', text: ' d e' },
    ]);
    expect(inlineSegments('<b>not html</b>')).toEqual([{ kind: 'text', text: '<b>not html</b>' }]);
  });
});

describe('shortcuts overlay content', () => {
  it('lists every command once, grouped by menu, with this host’s keys', () => {
    const groups = shortcutGroups('web', 'other');
    const ids = groups.filter((g) => g.name !== 'Editor' && g.name !== 'Timeline').flatMap((g) => g.rows.map((r) => r.id));
    expect(ids.sort()).toEqual(COMMANDS.map((c) => c.id).sort());
    const rows = new Map(groups.flatMap((g) => g.rows.map((r) => [r.id, r.keys] as const)));
    expect(rows.get('run.run')).toBe('Ctrl+Enter');
    expect(rows.get('file.new')).toBe('Alt+N');
    expect(rows.get('run.stepForward')).toBe('Alt+→');
    expect(rows.get('help.shortcuts')).toBe('?');
    expect(rows.get('file.exportCsv')).toBe('');
    expect(shortcutGroups('electron', 'other').flatMap((g) => g.rows).find((r) => r.id === 'file.new')?.keys).toBe(
      'Ctrl+N',
    );
    expect(shortcutGroups('web', 'mac').flatMap((g) => g.rows).find((r) => r.id === 'run.run')?.keys).toBe('⌘↩');
  });
});
