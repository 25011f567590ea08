import { appendFileSync, writeFileSync } from "node:fs";

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  fault?: string;
  /** The long-running operation a write started (its Azure-AsyncOperation or Location path) and Retry-After. */
  operation?: string;
  retryAfter?: number;
  /** Request bodies of writes, so tests can prove where secrets did and did not travel. */
  body?: string;
}

/** One JSON line per request, appended synchronously so a killed sandbox loses nothing already answered. */
export class RequestLog {
  constructor(private readonly file: string | undefined) {
    if (file) writeFileSync(file, "", { mode: 0o600 });
  }

  write(entry: RequestLogEntry): void {
    if (this.file) appendFileSync(this.file, JSON.stringify(entry) + "\n");
  }
}
