// The callee's embedded store: an append-only file of JSON lines, one per
// change, each holding an execution's whole serialized proto (base64), so the
// callback token comes back byte-exact. Every change is written and fsynced
// before the call returns (a SIGKILL loses nothing answered); on open the file
// is replayed, the last line of an execution wins, and a line torn by a crash
// is cut off. No native module: plain node:fs.
import * as fs from 'node:fs';
import * as path from 'node:path';

const PRIVATE = 0o600; // the store holds tokens: owner-only, whatever the umask

export class NotFoundError extends Error {}

interface Line {
  kind: string;
  id: string;
  data: string; // base64 of the serialized message
}

export class Store {
  private fd: number;
  private readonly rows = new Map<string, Buffer>();

  constructor(private readonly file: string) {
    this.fd = openPrivate(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND);
    const lines = this.replay();
    if (lines > 1000 && lines > 2 * this.rows.size) this.compact();
  }

  /** Records a new execution; the id must be unused. */
  insert(kind: string, id: string, data: Buffer): void {
    const key = `${kind}/${id}`;
    if (this.rows.has(key)) throw new Error(`${kind} ${id} is already recorded`);
    this.append({ kind, id, data: data.toString('base64') });
    this.rows.set(key, data);
  }

  /** The serialized execution; NotFoundError for an unknown id. */
  get(kind: string, id: string): Buffer {
    const data = this.rows.get(`${kind}/${id}`);
    if (data === undefined) throw new NotFoundError(`no ${kind.split('.').pop()} with id '${id}'`);
    return data;
  }

  /** Replaces an execution by change(its data), atomically (Node runs one change at a time). */
  update(kind: string, id: string, change: (data: Buffer) => Buffer): void {
    const data = change(this.get(kind, id));
    this.append({ kind, id, data: data.toString('base64') });
    this.rows.set(`${kind}/${id}`, data);
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private append(line: Line): void {
    const text = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    let written = 0;
    while (written < text.length) written += fs.writeSync(this.fd, text, written);
    fs.fdatasyncSync(this.fd);
  }

  /** Loads the file; returns how many lines it holds. */
  private replay(): number {
    const text = fs.readFileSync(this.fd).toString('utf8');
    let good = 0; // bytes of whole, valid lines
    let lines = 0;
    for (const raw of text.split('\n').slice(0, -1)) {
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        break; // torn by a crash mid-append: nothing after it was ever answered
      }
      this.rows.set(`${line.kind}/${line.id}`, Buffer.from(line.data, 'base64'));
      good += Buffer.byteLength(raw, 'utf8') + 1;
      lines++;
    }
    if (good < Buffer.byteLength(text, 'utf8')) {
      fs.ftruncateSync(this.fd, good);
      fs.fdatasyncSync(this.fd);
    }
    return lines;
  }

  /** Rewrites the file with one line per execution: temp file, fsync, rename. */
  private compact(): void {
    const temp = `${this.file}-compact`;
    const fd = openPrivate(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC);
    for (const [key, data] of this.rows) {
      const slash = key.indexOf('/');
      const line: Line = { kind: key.slice(0, slash), id: key.slice(slash + 1), data: data.toString('base64') };
      fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, this.file);
    const dir = fs.openSync(path.dirname(path.resolve(this.file)), 'r');
    fs.fsyncSync(dir);
    fs.closeSync(dir);
    fs.closeSync(this.fd);
    this.fd = openPrivate(this.file, fs.constants.O_RDWR | fs.constants.O_APPEND);
  }
}

/** Opens a file, creating it owner-only, and makes an existing one owner-only too. */
function openPrivate(file: string, flags: number): number {
  const fd = fs.openSync(file, flags, PRIVATE);
  fs.fchmodSync(fd, PRIVATE);
  return fd;
}
