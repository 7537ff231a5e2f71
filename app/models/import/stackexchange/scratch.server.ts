/**
 * A scratch SQLite file beside the run (whatever the target engine): the import's external sort.
 * PostHistory.xml is ordered by history id, Votes.xml by vote id, and a post's rows are spread over
 * the whole file; they are streamed in here first, then read back per batch of posts by post id,
 * so memory stays bounded however large the dump. Deleted when the run ends; rebuilt by a resumed run.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

export type HistoryRow = {
  postId: number;
  id: number;
  type: number;
  guid: string;
  userId: number | null;
  userName: string | null;
  at: string;
  text: string | null;
  comment: string | null;
  licence: string | null;
};

export type VoteCounts = { up: number; down: number; acceptedAt: string | null };

const SCHEMA = `
  CREATE TABLE history (post_id INTEGER NOT NULL, id INTEGER NOT NULL, type INTEGER NOT NULL, guid TEXT NOT NULL,
    user_id INTEGER, user_name TEXT, at TEXT NOT NULL, text TEXT, comment TEXT, licence TEXT, PRIMARY KEY (post_id, id)) WITHOUT ROWID;
  CREATE TABLE votes (post_id INTEGER PRIMARY KEY, up INTEGER NOT NULL DEFAULT 0, down INTEGER NOT NULL DEFAULT 0, accepted_at TEXT);
  CREATE TABLE accepted (question_id INTEGER PRIMARY KEY, answer_id INTEGER NOT NULL);
  CREATE TABLE duplicates (question_id INTEGER PRIMARY KEY, original_id INTEGER NOT NULL, from_history INTEGER NOT NULL);
  CREATE TABLE user_names (user_id INTEGER PRIMARY KEY, name TEXT NOT NULL);`;

export class Scratch {
  private readonly db: Database.Database;
  private readonly insertHistory: Database.Statement;
  private readonly countVote: Database.Statement;
  private readonly markAccepted: Database.Statement;
  private readonly saveAccepted: Database.Statement;
  private readonly saveDuplicate: Database.Statement;
  private readonly saveUserName: Database.Statement;

  constructor(readonly file: string) {
    fs.rmSync(file, { force: true });
    this.db = new Database(file);
    // Scratch data: rebuilt from the dump by any run, so nothing needs to survive a crash.
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec(SCHEMA);
    this.insertHistory = this.db.prepare(
      `INSERT OR REPLACE INTO history VALUES (@postId, @id, @type, @guid, @userId, @userName, @at, @text, @comment, @licence)`,
    );
    this.countVote = this.db.prepare(
      `INSERT INTO votes (post_id, up, down) VALUES (?, ?, ?)
       ON CONFLICT (post_id) DO UPDATE SET up = up + excluded.up, down = down + excluded.down`,
    );
    this.markAccepted = this.db.prepare(
      `INSERT INTO votes (post_id, accepted_at) VALUES (?, ?)
       ON CONFLICT (post_id) DO UPDATE SET accepted_at = max(coalesce(accepted_at, ''), excluded.accepted_at)`,
    );
    this.saveAccepted = this.db.prepare(`INSERT OR REPLACE INTO accepted VALUES (?, ?)`);
    // A close record names the original better than a link does: it wins over one.
    this.saveDuplicate = this.db.prepare(
      `INSERT INTO duplicates VALUES (?, ?, ?)
       ON CONFLICT (question_id) DO UPDATE SET original_id = excluded.original_id, from_history = excluded.from_history
       WHERE excluded.from_history >= duplicates.from_history`,
    );

    this.saveUserName = this.db.prepare(`INSERT OR REPLACE INTO user_names VALUES (?, ?)`);
  }

  static inTemporaryFolder(site: string) {
    return new Scratch(path.join(os.tmpdir(), `hearth-import-${site}-${process.pid}.sqlite`));
  }

  /** Runs `work` in one scratch transaction (a batch of rows). */
  batch(work: () => void) {
    this.db.transaction(work)();
  }

  addHistory(row: HistoryRow) {
    this.insertHistory.run(row);
  }

  addVote(postId: number, up: number, down: number) {
    this.countVote.run(postId, up, down);
  }

  addAcceptance(postId: number, at: string) {
    this.markAccepted.run(postId, at);
  }

  addAccepted(questionId: number, answerId: number) {
    this.saveAccepted.run(questionId, answerId);
  }

  addDuplicate(questionId: number, originalId: number, fromHistory: boolean) {
    this.saveDuplicate.run(questionId, originalId, fromHistory ? 1 : 0);
  }

  addUserName(userId: number, name: string) {
    this.saveUserName.run(userId, name);
  }

  /** Display names of these source users (attribution), by id. */
  userNamesOf(userIds: number[]): Map<number, string> {
    const rows = this.db
      .prepare(`SELECT user_id AS userId, name FROM user_names WHERE user_id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(userIds)) as { userId: number; name: string }[];
    return new Map(rows.map((row) => [row.userId, row.name]));
  }

  /**
   * Questions whose last close or reopen record closed them as duplicates, with the first original the
   * record names: from the history already read (run after PostHistory.xml).
   */
  addDuplicatesFromHistory() {
    this.db.exec(`
      INSERT INTO duplicates
      SELECT h.post_id, json_extract(h.text, '$.OriginalQuestionIds[0]'), 1 FROM history h
      WHERE h.type = 10 AND h.comment IN ('1', '101') AND json_valid(h.text)
        AND json_extract(h.text, '$.OriginalQuestionIds[0]') IS NOT NULL
        AND h.id = (SELECT max(h2.id) FROM history h2 WHERE h2.post_id = h.post_id AND h2.type IN (10, 11))
      ON CONFLICT (question_id) DO UPDATE SET original_id = excluded.original_id, from_history = 1`);
  }

  /** History rows of these posts, by post, in history order. */
  historyOf(postIds: number[]): Map<number, HistoryRow[]> {
    const rows = this.db
      .prepare(
        `SELECT post_id AS postId, id, type, guid, user_id AS userId, user_name AS userName, at, text, comment, licence
         FROM history WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, id`,
      )
      .all(JSON.stringify(postIds)) as HistoryRow[];
    const byPost = new Map<number, HistoryRow[]>();
    for (const row of rows) {
      const list = byPost.get(row.postId);
      if (list) list.push(row);
      else byPost.set(row.postId, [row]);
    }
    return byPost;
  }

  votesOf(postIds: number[]): Map<number, VoteCounts> {
    const rows = this.db
      .prepare(
        `SELECT post_id AS postId, up, down, accepted_at AS acceptedAt FROM votes WHERE post_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(postIds)) as ({ postId: number } & VoteCounts)[];
    return new Map(rows.map(({ postId, ...counts }) => [postId, counts]));
  }

  /** Every (question, accepted answer) pair, in pieces of `size` by question id. */
  *acceptedPairs(size: number) {
    yield* this.pieces<{ questionId: number; answerId: number }>(
      `SELECT question_id AS questionId, answer_id AS answerId FROM accepted WHERE question_id > ? ORDER BY question_id LIMIT ?`,
      size,
      (row) => row.questionId,
    );
  }

  *duplicatePairs(size: number) {
    yield* this.pieces<{ questionId: number; originalId: number }>(
      `SELECT question_id AS questionId, original_id AS originalId FROM duplicates WHERE question_id > ? ORDER BY question_id LIMIT ?`,
      size,
      (row) => row.questionId,
    );
  }

  private *pieces<T>(query: string, size: number, key: (row: T) => number) {
    const statement = this.db.prepare(query);
    for (let after = Number.MIN_SAFE_INTEGER; ;) {
      const rows = statement.all(after, size) as T[];
      if (rows.length === 0) return;
      yield rows;
      after = key(rows.at(-1)!);
    }
  }

  close() {
    this.db.close();
    for (const suffix of ["", "-journal", "-wal", "-shm"]) fs.rmSync(this.file + suffix, { force: true });
  }
}
