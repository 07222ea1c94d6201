/** Saves a blob under a file name through a temporary link (the browser's own download). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads the API's own CSV of a REST path (`Accept: text/csv`), so the file is exactly what the API
 * serves; an error answer (JSON) is thrown with the server's message.
 */
export async function downloadCsv(path: string, token: string | undefined, name: string): Promise<void> {
  const res = await fetch(path, { headers: { Accept: 'text/csv', ...(token && { Authorization: `Bearer ${token}` }) } });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
    throw new Error(body?.message ?? `${res.status} ${res.statusText}`);
  }
  saveBlob(await res.blob(), name);
}
