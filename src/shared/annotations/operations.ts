import { compareAnnotations, compareDismissed } from './order';
import type { Annotation, AnnotationReply, AnnotationsFile, AnnotationStatus, DismissedFlag } from './types';
import { sameSample } from './types';

/**
 * A change to the annotations file, as data. Writers send operations, not whole files: the store
 * re-applies each one to the file as it is on disk at the moment of writing (under a lock), so two
 * windows writing at once lose nothing. Every operation carries its own ids and timestamps, so
 * applying it is pure and applying it twice changes nothing the second time.
 */
export type AnnotationOperation =
  | { type: 'add'; annotation: Annotation }
  | { type: 'edit'; id: string; at: string; note?: string; category?: string }
  | { type: 'delete'; id: string }
  /** Resolve ('resolved') or reopen ('open'). */
  | { type: 'set-status'; id: string; status: AnnotationStatus; at: string }
  | { type: 'reply'; id: string; reply: AnnotationReply }
  | { type: 'edit-reply'; id: string; replyId: string; body: string; at: string }
  | { type: 'delete-reply'; id: string; replyId: string }
  /** Stop suggesting an automatic flag on a sample. */
  | { type: 'dismiss-flag'; flag: DismissedFlag }
  /** Suggest a dismissed flag again (undo of dismiss-flag). */
  | { type: 'restore-flag'; flag: DismissedFlag };

export interface ApplyResult {
  /** The file after the operation (the same object when nothing changed). */
  file: AnnotationsFile;
  applied: boolean;
  /** Why nothing changed, in one sentence (another window deleted the annotation, say). */
  reason?: string;
}

/** Applies one operation; never mutates `file`. The result's lists are in canonical order. */
export function applyOperation(file: AnnotationsFile, op: AnnotationOperation): ApplyResult {
  const skip = (reason: string): ApplyResult => ({ file, applied: false, reason });
  const changed = (annotations: Annotation[], dismissedFlags: DismissedFlag[] = file.dismissedFlags): ApplyResult => ({
    file: { ...file, annotations: [...annotations].sort(compareAnnotations), dismissedFlags: [...dismissedFlags].sort(compareDismissed) },
    applied: true,
  });
  const find = (id: string): Annotation | undefined => file.annotations.find((a) => a.id === id);
  const update = (id: string, change: (a: Annotation) => Annotation): ApplyResult => {
    const target = find(id);
    if (!target) return skip(`Annotation ${id} no longer exists (it may have been deleted in another window).`);
    return changed(file.annotations.map((a) => (a === target ? change(a) : a)));
  };

  switch (op.type) {
    case 'add':
      if (find(op.annotation.id)) return skip(`Annotation ${op.annotation.id} already exists.`);
      return changed([...file.annotations, op.annotation]);
    case 'edit':
      return update(op.id, (a) => ({ ...a, note: op.note ?? a.note, category: op.category ?? a.category, updatedAt: op.at }));
    case 'delete':
      if (!find(op.id)) return skip(`Annotation ${op.id} no longer exists.`);
      return changed(file.annotations.filter((a) => a.id !== op.id));
    case 'set-status':
      return update(op.id, (a) => ({ ...a, status: op.status, updatedAt: op.at }));
    case 'reply': {
      const target = find(op.id);
      if (target?.replies.some((r) => r.id === op.reply.id)) return skip(`Reply ${op.reply.id} already exists.`);
      return update(op.id, (a) => ({ ...a, replies: [...a.replies, op.reply], updatedAt: maxTime(a.updatedAt, op.reply.createdAt) }));
    }
    case 'edit-reply': {
      const target = find(op.id);
      if (target && !target.replies.some((r) => r.id === op.replyId)) return skip(`Reply ${op.replyId} no longer exists.`);
      return update(op.id, (a) => ({ ...a, replies: a.replies.map((r) => (r.id === op.replyId ? { ...r, body: op.body, updatedAt: op.at } : r)), updatedAt: maxTime(a.updatedAt, op.at) }));
    }
    case 'delete-reply': {
      const target = find(op.id);
      if (target && !target.replies.some((r) => r.id === op.replyId)) return skip(`Reply ${op.replyId} no longer exists.`);
      return update(op.id, (a) => ({ ...a, replies: a.replies.filter((r) => r.id !== op.replyId) }));
    }
    case 'dismiss-flag':
      if (file.dismissedFlags.some((d) => sameDismissal(d, op.flag))) return skip('That flag is already dismissed.');
      return changed(file.annotations, [...file.dismissedFlags, { modelFolder: op.flag.modelFolder, variantId: op.flag.variantId, sampleKey: op.flag.sampleKey, flag: op.flag.flag }]);
    case 'restore-flag':
      if (!file.dismissedFlags.some((d) => sameDismissal(d, op.flag))) return skip('That flag is not dismissed.');
      return changed(file.annotations, file.dismissedFlags.filter((d) => !sameDismissal(d, op.flag)));
  }
}

/** Applies operations in order; one that changes nothing does not stop the rest. */
export function applyOperations(file: AnnotationsFile, ops: readonly AnnotationOperation[]): { file: AnnotationsFile; results: Array<Omit<ApplyResult, 'file'>> } {
  const results: Array<Omit<ApplyResult, 'file'>> = [];
  let current = file;
  for (const op of ops) {
    const { file: next, ...result } = applyOperation(current, op);
    current = next;
    results.push(result);
  }
  return { file: current, results };
}

function sameDismissal(a: DismissedFlag, b: DismissedFlag): boolean {
  return sameSample(a, b) && a.flag === b.flag;
}

function maxTime(a: string, b: string): string {
  return a > b ? a : b;
}
