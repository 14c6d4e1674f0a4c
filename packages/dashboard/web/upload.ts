/**
 * Sends one file as multipart with XMLHttpRequest, whose upload events report progress (fetch
 * has no upload progress). Resolves with the upload's id, or rejects with an ApiError.
 */
import { ApiError, parseJson } from './api.ts';
import { messageForProblem, unreachableMessage } from './problems.ts';

export function sendFile(file: File, token: string, onProgress: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/inventory/uploads');
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const body = parseJson(xhr.responseText) as Record<string, unknown> | undefined;
      if (xhr.status >= 200 && xhr.status < 300 && typeof body?.uploadId === 'string') {
        onProgress(1);
        resolve(body.uploadId);
      } else {
        reject(new ApiError(xhr.status, messageForProblem(xhr.status, body)));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, unreachableMessage)));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
