/**
 * Files without the File System Access API: a hidden file input to open
 * (the file's text, no handle to write back to) and a download to save.
 * Also the path the end-to-end tests take (`?files=fallback`), because
 * Playwright drives `filechooser` and `download` but not native pickers.
 */

export interface PickedFile {
  name: string;
  text: string;
}

/** Let the user pick one file; null when the dialog was cancelled. */
export function pickFile(doc: Document, accept: string): Promise<PickedFile | null> {
  return new Promise((resolve, reject) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.setAttribute('data-testid', 'file-input');
    const done = (): void => input.remove();
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      done();
      if (!file) {
        resolve(null);
        return;
      }
      file.text().then(
        (text) => resolve({ name: file.name, text }),
        (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
      );
    });
    input.addEventListener('cancel', () => {
      done();
      resolve(null);
    });
    doc.body.appendChild(input);
    input.click();
  });
}

function mimeOf(name: string): string {
  if (name.endsWith('.png')) return 'image/png';
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.json')) return 'application/json';
  return 'text/plain';
}

/** Offer `data` as a download named `name`. */
export function download(doc: Document, name: string, data: string | Uint8Array): void {
  const blob = new Blob([data as BlobPart], { type: mimeOf(name) });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken the blob once the click's task ran.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
