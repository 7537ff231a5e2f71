/**
 * Discount codes, one per line: pasted, or read from a text or CSV file into the box in the browser
 * (the server takes forms only, never file uploads); without JavaScript, pasting is the way.
 */
import { useEffect, useState } from "react";
import { TextAreaField } from "~/components/ui/field";
import { MAX_CODES_FILE_BYTES } from "~/models/rewards/rules";

export function CodesField({ defaultValue, error }: { defaultValue?: string; error?: string }) {
  const [scripted, setScripted] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  useEffect(() => setScripted(true), []);
  async function readFile(file: File | undefined) {
    const box = document.getElementById("codes") as HTMLTextAreaElement | null;
    if (!file || !box) return;
    if (file.size > MAX_CODES_FILE_BYTES) return setFileError("That file is too large (at most 512 KB).");
    setFileError(null);
    const text = await file.text();
    box.value = box.value.trim() === "" ? text : `${box.value.trimEnd()}\n${text}`;
  }
  return (
    <>
      <TextAreaField name="codes" label="Codes, one per line" rows={6} defaultValue={defaultValue} error={error} />
      {scripted ? (
        <div className="field">
          <label htmlFor="codes-file">Or add the codes of a text or CSV file (its first column)</label>
          <input
            id="codes-file"
            type="file"
            accept=".txt,.csv,text/plain,text/csv"
            onChange={(event) => void readFile(event.currentTarget.files?.[0])}
          />
          {fileError ? (
            <span className="field-error" role="alert">
              {fileError}
            </span>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
