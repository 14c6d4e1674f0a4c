/** The uploads list: each file's progress, then its processing outcome and rejected rows. */
import { uploadStatus } from './api.ts';
import { h } from './dom.ts';
import type { Session } from './session.ts';
import { handleFailure, state, type UploadEntry } from './state.ts';
import { loadStores } from './stock-view.ts';
import { sendFile } from './upload.ts';

let uploadKeys = 0;

const rowsText = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'row' : 'rows'}`;

function describeUpload(entry: UploadEntry): string {
  switch (entry.phase) {
    case 'uploading':
      return entry.progress >= 1 ? 'Sent: waiting for the service…' : `Uploading… ${Math.round(entry.progress * 100)}%`;
    case 'received':
      return 'Uploaded: waiting for a worker';
    case 'processing':
      return 'Processing…';
    case 'done':
      return `Done: ${rowsText(entry.accepted ?? 0)} accepted, ${entry.rejected ?? 0} rejected`;
    case 'failed':
      return `Failed: ${entry.message ?? 'the file could not be processed'}`;
  }
}

export function renderUploads() {
  const list = document.getElementById('upload-list');
  if (!list) return;
  list.replaceChildren(
    ...state.uploads.map((entry) => {
      const percent = Math.round(entry.progress * 100);
      const rejectedTable =
        entry.rejectedRows.length > 0
          ? h(
              'table',
              { class: 'rejected' },
              h(
                'caption',
                {},
                entry.rejected !== undefined && entry.rejected > entry.rejectedRows.length
                  ? `Rejected rows (first ${entry.rejectedRows.length} of ${entry.rejected})`
                  : 'Rejected rows',
              ),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Reason'))),
              h(
                'tbody',
                {},
                ...entry.rejectedRows.map((row) => h('tr', {}, h('td', {}, row.line), h('td', {}, row.reason))),
              ),
            )
          : undefined;
      return h(
        'li',
        { class: `upload ${entry.phase}`, 'data-phase': entry.phase, 'data-file': entry.name },
        h('span', { class: 'file-name' }, entry.name),
        h('progress', { max: 100, value: percent, 'aria-label': `Upload of ${entry.name}` }),
        h('span', { class: 'percent' }, `${percent}%`),
        h('p', { class: 'upload-status' }, describeUpload(entry)),
        rejectedTable,
      );
    }),
  );
}

export async function upload(file: File) {
  const session = state.session;
  if (!session) return;
  const entry: UploadEntry = { key: ++uploadKeys, name: file.name, progress: 0, phase: 'uploading', rejectedRows: [] };
  state.uploads.unshift(entry);
  renderUploads();
  let lastDrawn = 0;
  try {
    entry.uploadId = await sendFile(file, session.token, (fraction) => {
      entry.progress = fraction;
      if (fraction === 1 || Date.now() - lastDrawn > 100) {
        lastDrawn = Date.now();
        renderUploads();
      }
    });
    entry.phase = 'received';
    renderUploads();
    await followUpload(entry, session);
  } catch (error) {
    entry.phase = 'failed';
    handleFailure(error, (message) => {
      entry.message = message;
    });
    renderUploads();
  }
}

async function followUpload(entry: UploadEntry, session: Session) {
  const started = Date.now();
  let wait = 500;
  while (state.session === session && Date.now() - started < 30 * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 1.5, 3_000);
    const status = await uploadStatus(session.token, entry.uploadId ?? '');
    entry.phase = status.status;
    entry.accepted = status.rowsAccepted;
    entry.rejected = status.rowsRejected;
    entry.rejectedRows = status.rejectedRows;
    entry.message = status.reason;
    renderUploads();
    if (status.status === 'done' || status.status === 'failed') {
      // The live feed normally brings the new counts already; this covers a feed that is down.
      void loadStores();
      return;
    }
  }
}
