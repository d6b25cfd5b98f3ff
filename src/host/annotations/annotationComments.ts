import * as vscode from 'vscode';
import { anchorStatus, annotationsForSample, categoryLabel, createAnnotation, type Annotation, type AnnotationReply } from '../../shared/annotations';
import { readRun } from '../../node/runFolder/reader';
import { AnnotationCommandId } from '../commandIds';
import { DisposableStore } from '../disposables';
import { OUTPUT_SCHEME, OutputDocuments, parseOutputUri } from '../results/outputDocuments';
import type { AnnotationService } from './annotationService';

export const ANNOTATION_CONTROLLER_ID = 'quantlens.annotations';

/** A comment in a thread: the annotation itself (with its note) or one of its replies. */
class AnnotationComment implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  body: vscode.MarkdownString | string;
  author: vscode.CommentAuthorInformation;
  timestamp: Date;
  contextValue: string;
  label?: string;

  constructor(readonly annotationId: string, readonly replyId: string | null, readonly raw: string, author: string, at: string, label: string | undefined, readonly thread: vscode.CommentThread) {
    this.body = plainText(raw);
    this.author = { name: author };
    this.timestamp = new Date(at);
    this.label = label;
    this.contextValue = replyId ? 'quantlens.reply' : 'quantlens.annotation';
  }
}

/** Untrusted text rendered as text: appendText escapes every Markdown character. */
function plainText(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendText(text);
  return md;
}

/**
 * Inline annotations on model outputs: a CommentController bound to the `quantlens-output`
 * scheme. Threads are rebuilt from the annotations file whenever it changes, so the diff tabs,
 * the results panel and other windows always show the same thing.
 */
export class AnnotationComments implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly controller: vscode.CommentController;
  private readonly threads = new Map<string, vscode.CommentThread[]>();
  private readonly threadAnnotation = new Map<vscode.CommentThread, string>();
  private readonly modelFolderOfRun = new Map<string, string>();

  constructor(private readonly service: AnnotationService, private readonly outputs: OutputDocuments) {
    this.controller = this.disposables.add(vscode.comments.createCommentController(ANNOTATION_CONTROLLER_ID, 'QuantLens Annotations'));
    this.controller.options = { prompt: 'Annotate a failure in this output…', placeHolder: 'Describe what went wrong; you pick the category next.' };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (document) => {
        if (document.uri.scheme !== OUTPUT_SCHEME) return [];
        const last = document.lineAt(Math.max(document.lineCount - 1, 0));
        return [new vscode.Range(0, 0, last.lineNumber, last.text.length)];
      },
    };
    this.disposables.add(service.onDidChange(() => this.refreshAll()));
    this.disposables.add(vscode.workspace.onDidOpenTextDocument((d) => d.uri.scheme === OUTPUT_SCHEME && this.refresh(d)));
    this.disposables.add(vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri.toString())));
    for (const command of this.commands()) this.disposables.add(command);
    this.refreshAll();
  }

  private modelFolderOf(runFolder: string): string {
    let folder = this.modelFolderOfRun.get(runFolder);
    if (!folder) {
      folder = readRun(runFolder).card.spec.modelFolder;
      this.modelFolderOfRun.set(runFolder, folder);
    }
    return folder;
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) if (document.uri.scheme === OUTPUT_SCHEME) this.refresh(document);
  }

  private clear(key: string): void {
    for (const thread of this.threads.get(key) ?? []) {
      this.threadAnnotation.delete(thread);
      thread.dispose();
    }
    this.threads.delete(key);
  }

  /** Recreates the threads of one output document from the store. */
  private refresh(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.clear(key);
    const location = parseOutputUri(document.uri);
    if (!location) return;
    const sample = this.outputs.find(location);
    if (!sample) return;
    const modelFolder = this.modelFolderOf(location.runFolder);
    const view = this.service.view(modelFolder);
    const taxonomy = this.service.taxonomy();
    const threads: vscode.CommentThread[] = [];
    for (const annotation of annotationsForSample(view.file, { modelFolder: this.service.modelKey(modelFolder), variantId: location.variantId, sampleKey: location.sampleKey })) {
      const anchor = anchorStatus(annotation, sample.output);
      const range = anchor.state === 'outdated' ? new vscode.Range(0, 0, 0, 0) : new vscode.Range(document.positionAt(anchor.range.start), document.positionAt(anchor.range.end));
      const thread = this.controller.createCommentThread(document.uri, range, []);
      thread.label = `${categoryLabel(annotation.category, taxonomy)}${anchor.state === 'outdated' ? ' — outdated: the output changed since' : anchor.state === 'moved' ? ' — moved' : ''}`;
      thread.contextValue = `quantlens.thread.${annotation.status}`;
      thread.state = annotation.status === 'resolved' ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
      thread.canReply = view.state === 'ok';
      thread.collapsibleState = annotation.status === 'resolved' ? vscode.CommentThreadCollapsibleState.Collapsed : vscode.CommentThreadCollapsibleState.Expanded;
      thread.comments = [
        new AnnotationComment(annotation.id, null, annotation.note || '(no note)', annotation.author, annotation.createdAt, `“${annotation.quotedText.slice(0, 60)}”`, thread),
        ...annotation.replies.map((r: AnnotationReply) => new AnnotationComment(annotation.id, r.id, r.body, r.author, r.createdAt, undefined, thread)),
      ];
      this.threadAnnotation.set(thread, annotation.id);
      threads.push(thread);
    }
    this.threads.set(key, threads);
  }

  private annotationOf(thread: vscode.CommentThread): { annotation: Annotation; modelFolder: string } | undefined {
    const id = this.threadAnnotation.get(thread);
    const location = parseOutputUri(thread.uri);
    if (!id || !location) return undefined;
    const modelFolder = this.modelFolderOf(location.runFolder);
    const annotation = this.service.view(modelFolder).file.annotations.find((a) => a.id === id);
    return annotation ? { annotation, modelFolder } : undefined;
  }

  /** Creates an annotation from a new thread's first comment: the range is the editor's selection if it lies in the thread, else the thread's lines. */
  async create(reply: vscode.CommentReply): Promise<void> {
    const thread = reply.thread;
    const location = parseOutputUri(thread.uri);
    const sample = location && this.outputs.find(location);
    if (!location || !sample) {
      thread.dispose();
      return;
    }
    const category = await this.service.pickCategory();
    if (!category) return; // keep the draft thread so the text is not lost
    const document = await vscode.workspace.openTextDocument(thread.uri);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === thread.uri.toString());
    const lines = thread.range ? new vscode.Range(thread.range.start.line, 0, thread.range.end.line, document.lineAt(thread.range.end.line).text.length) : new vscode.Range(0, 0, document.lineCount - 1, document.lineAt(document.lineCount - 1).text.length);
    const selection = editor && !editor.selection.isEmpty && lines.contains(editor.selection) ? editor.selection : lines;
    const modelFolder = this.modelFolderOf(location.runFolder);
    const annotation = createAnnotation({
      id: this.service.newId(),
      modelFolder: this.service.modelKey(modelFolder),
      variantId: location.variantId,
      sampleKey: location.sampleKey,
      output: sample.output,
      range: { start: document.offsetAt(selection.start), end: document.offsetAt(selection.end) },
      category,
      note: reply.text,
      author: this.service.author(),
      at: new Date().toISOString(),
    });
    if (await this.service.apply(modelFolder, { type: 'add', annotation })) thread.dispose();
  }

  private commands(): vscode.Disposable[] {
    const now = (): string => new Date().toISOString();
    const onThread = (handler: (target: { annotation: Annotation; modelFolder: string }, thread: vscode.CommentThread) => Promise<unknown>) => async (thread: vscode.CommentThread) => {
      const target = this.annotationOf(thread);
      if (target) await handler(target, thread);
    };
    const onComment = (handler: (target: { annotation: Annotation; modelFolder: string }, comment: AnnotationComment) => Promise<unknown>) => async (comment: AnnotationComment) => {
      const target = this.annotationOf(comment.thread);
      if (target) await handler(target, comment);
    };
    return [
      vscode.commands.registerCommand(AnnotationCommandId.create, (reply: vscode.CommentReply) => this.create(reply)),
      vscode.commands.registerCommand(AnnotationCommandId.reply, async (reply: vscode.CommentReply) => {
        const target = this.annotationOf(reply.thread);
        if (!target || !reply.text.trim()) return;
        await this.service.apply(target.modelFolder, { type: 'reply', id: target.annotation.id, reply: { id: this.service.newId(), author: this.service.author(), body: reply.text, createdAt: now() } });
      }),
      vscode.commands.registerCommand(AnnotationCommandId.resolve, onThread((t) => this.service.apply(t.modelFolder, { type: 'set-status', id: t.annotation.id, status: 'resolved', at: now() }))),
      vscode.commands.registerCommand(AnnotationCommandId.reopen, onThread((t) => this.service.apply(t.modelFolder, { type: 'set-status', id: t.annotation.id, status: 'open', at: now() }))),
      vscode.commands.registerCommand(AnnotationCommandId.changeCategory, onComment(async (t) => {
        const category = await this.service.pickCategory(t.annotation.category);
        if (category) await this.service.apply(t.modelFolder, { type: 'edit', id: t.annotation.id, category, at: now() });
      })),
      vscode.commands.registerCommand(AnnotationCommandId.delete, onComment(async (t, comment) => {
        if (comment.replyId) return this.service.apply(t.modelFolder, { type: 'delete-reply', id: t.annotation.id, replyId: comment.replyId });
        const answer = await vscode.window.showWarningMessage('Delete this annotation and its replies?', { modal: true }, 'Delete');
        if (answer === 'Delete') await this.service.apply(t.modelFolder, { type: 'delete', id: t.annotation.id });
      })),
      vscode.commands.registerCommand(AnnotationCommandId.edit, (comment: AnnotationComment) => {
        comment.mode = vscode.CommentMode.Editing;
        // Edit the note itself, not its Markdown-escaped rendering.
        comment.body = comment.raw;
        comment.contextValue = `${comment.replyId ? 'quantlens.reply' : 'quantlens.annotation'}.editing`;
        comment.thread.comments = [...comment.thread.comments];
      }),
      vscode.commands.registerCommand(AnnotationCommandId.save, onComment(async (t, comment) => {
        const text = typeof comment.body === 'string' ? comment.body : comment.body.value;
        if (comment.replyId) await this.service.apply(t.modelFolder, { type: 'edit-reply', id: t.annotation.id, replyId: comment.replyId, body: text, at: now() });
        else await this.service.apply(t.modelFolder, { type: 'edit', id: t.annotation.id, note: text, at: now() });
      })),
      vscode.commands.registerCommand(AnnotationCommandId.cancelEdit, () => this.refreshAll()),
    ];
  }

  dispose(): void {
    for (const key of [...this.threads.keys()]) this.clear(key);
    this.disposables.dispose();
  }
}
