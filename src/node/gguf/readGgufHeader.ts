import { open, stat } from 'node:fs/promises';
import { gguf } from '@huggingface/gguf';
import type { InputProblem } from '../../shared/modelTypes';
import { GGML_TYPES } from './ggmlTypes';

/** What one GGUF file's header says, with each tensor's type and byte size worked out from its shape. */
export interface GgufHeader {
  file: string;
  sizeBytes: number;
  metadata: Record<string, unknown>;
  tensors: Array<{ name: string; type: string; elements: number; bytes: number | undefined }>;
  /** Where the tensor data starts, and where the header says it ends (undefined: a tensor of unknown type). */
  dataStart: number;
  dataEnd: number | undefined;
}

const REDOWNLOAD = 'Download the file again (an interrupted download or copy leaves it short) and compare its size with the source\'s.';

/**
 * Reads the header of one local GGUF file with @huggingface/gguf (it reads the file in 2 MB chunks
 * from the start until the tensor infos are parsed; the tensor data itself is never read), then
 * checks the file is as long as its tensor infos say. Returns the header, the problem with it, or
 * both (a truncated file whose header could be read).
 */
export async function readGgufHeader(file: string): Promise<{ header?: GgufHeader; problem?: InputProblem }> {
  const found = await parseHeader(file);
  if ('problem' in found) return { problem: found };
  const { header } = found;
  if (header.sizeBytes < header.dataStart) {
    return { problem: { file, problem: `is truncated inside its header: the header runs to byte ${header.dataStart}, but the file has ${header.sizeBytes} bytes.`, remedy: REDOWNLOAD } };
  }
  if (header.dataEnd !== undefined && header.sizeBytes < header.dataEnd) {
    const missing = header.dataEnd - header.sizeBytes;
    return {
      header,
      problem: { file, problem: `is truncated: its tensor infos need ${header.dataEnd} bytes, but the file has ${header.sizeBytes} (${missing} missing).`, remedy: REDOWNLOAD },
    };
  }
  return { header };
}

async function parseHeader(file: string): Promise<{ header: GgufHeader } | InputProblem> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(file)).size;
  } catch (error) {
    return { file, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, remedy: 'Check the file exists and can be read.' };
  }
  let magic: Buffer;
  try {
    magic = await firstBytes(file, 64);
  } catch (error) {
    return { file, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, remedy: 'Check the file can be read.' };
  }
  if (!magic.subarray(0, 4).equals(Buffer.from('GGUF'))) {
    if (magic.toString('latin1').startsWith('version https://git-lfs')) {
      return { file, problem: 'is a Git LFS pointer, not the model: the weights were never downloaded.', remedy: 'Fetch them (git lfs pull, or download the file itself), then discover again.' };
    }
    return { file, problem: 'is not a GGUF file (it does not start with the GGUF magic bytes).', remedy: 'Remove it from the model folder, or replace it with the real .gguf file.' };
  }
  let parsed: Awaited<ReturnType<typeof gguf>>;
  try {
    parsed = await gguf(file, { allowLocalFile: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      file,
      problem: `has a GGUF header that cannot be read (${message}); the file is truncated or damaged (${sizeBytes} bytes).`,
      remedy: REDOWNLOAD,
    };
  }
  const dataStart = Number(parsed.tensorDataOffset);
  let dataEnd: number | undefined = dataStart;
  const tensors = parsed.tensorInfos.map((t) => {
    const elements = t.shape.reduce((n, d) => n * Number(d), 1);
    const type = GGML_TYPES[t.dtype];
    const bytes = type ? Math.ceil(elements / type.blockElements) * type.blockBytes : undefined;
    if (bytes === undefined) dataEnd = undefined;
    else if (dataEnd !== undefined) dataEnd = Math.max(dataEnd, dataStart + Number(t.offset) + bytes);
    return { name: t.name, type: type?.name ?? `type ${t.dtype}`, elements, bytes };
  });
  return { header: { file, sizeBytes, metadata: parsed.metadata as Record<string, unknown>, tensors, dataStart, dataEnd } };
}

async function firstBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
