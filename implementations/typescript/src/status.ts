// Recording an execution's status in the store: the one place that changes a
// stored execution after create. Both executions share the status shape.
import type { Obj, PathMessages } from './protos';
import type { Store } from './store';
import type { StatusUpdate } from './types';

/** Writes the fields the update sets into execution.status. */
export function applyStatusUpdate(execution: Obj, update: StatusUpdate): void {
  const status: Obj = (execution.status ??= {});
  if (update.phase !== null && update.phase !== undefined) status.phase = update.phase;
  if (update.output_json !== null && update.output_json !== undefined) status.output_json = update.output_json;
  if (update.error !== null && update.error !== undefined) {
    const details = update.error.details ?? [];
    status.error = {
      message: update.error.message,
      type: update.error.type,
      non_retryable: update.error.non_retryable,
      details_json: details.length > 0 ? JSON.stringify(details) : '',
    };
  }
  if (update.callback_phase !== null && update.callback_phase !== undefined) {
    status.callback_phase = update.callback_phase;
  }
  if (update.callback_detail !== null && update.callback_detail !== undefined) {
    status.callback_detail = update.callback_detail;
  }
}

/** Applies an update to the execution stored under update.execution_id. */
export function updateStored(store: Store, messages: PathMessages, update: StatusUpdate): void {
  const { execution } = messages;
  store.update(execution.fullName, update.execution_id, (data) => {
    const stored = execution.decode(data);
    applyStatusUpdate(stored, update);
    return execution.encode(stored);
  });
}
