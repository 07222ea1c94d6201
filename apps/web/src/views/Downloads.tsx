import { useState } from 'react';
import { downloadCsv } from '../lib/download';
import { useSession } from '../lib/session-context';

/** A button that downloads the API's CSV of a REST path; a refusal shows the server's message. */
export function CsvButton({ path, name, label }: { path: string; name: string; label: string }) {
  const session = useSession();
  const [error, setError] = useState<string>();
  return (
    <span className="download">
      <button
        type="button"
        onClick={() => {
          setError(undefined);
          downloadCsv(path, session.token(), name).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
        }}
      >
        {label}
      </button>
      {error && (
        <span role="alert" className="state error">
          {error}
        </span>
      )}
    </span>
  );
}
