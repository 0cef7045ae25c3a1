/** A canvas as PNG bytes (the dashboard export). */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(new Error('the canvas could not be encoded as PNG'));
        return;
      }
      blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), reject);
    }, 'image/png');
  });
}

/** The dashboard's canvas, found by its test id (one per app). */
export function dashboardCanvas(doc: Document = document): HTMLCanvasElement | null {
  const el = doc.querySelector('[data-testid="dashboard-canvas"]');
  return el instanceof HTMLCanvasElement ? el : null;
}
