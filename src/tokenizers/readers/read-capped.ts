/** Whole-file reads for tokenizer files, refused above a cap before any byte is read. */
import { FormatError } from "../../errors.js";
import { PositionalFile } from "../../formats/file-reader.js";

export async function readCappedFile(path: string, maxBytes: number, what: string): Promise<Uint8Array> {
  const file = await PositionalFile.open(path);
  try {
    if (file.size > maxBytes) {
      throw new FormatError(
        `${file.size}-byte file is larger than any real ${what} (limit ${maxBytes} bytes)`,
        {
          file: path,
        },
      );
    }
    return await file.read(0, file.size, "contents");
  } finally {
    await file.close();
  }
}
