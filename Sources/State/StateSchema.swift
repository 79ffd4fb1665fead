import GRDB

/// The tables of `state.sqlite`, versioned by GRDB's migrator.
///
/// Migrations are append-only: a released one is never edited, a change is a new migration. A database that lists a
/// migration this build does not know was written by a newer Tern, and is refused rather than guessed at.
enum StateSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run (
                        -- AUTOINCREMENT: an id is never reused, so logs and reports that name a run stay unambiguous.
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        key TEXT NOT NULL,
                        description TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'completed_with_failures', 'abandoned')),
                        started_at DATETIME NOT NULL,
                        starts INTEGER NOT NULL,
                        last_started_at DATETIME NOT NULL,
                        finished_at DATETIME
                    );
                    -- At most one unfinished run per kind and key: the one a new start resumes.
                    CREATE UNIQUE INDEX run_unfinished ON run(kind, key) WHERE status = 'running';

                    CREATE TABLE unit (
                        run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        -- Plan order, so that pending units come back in the order the planner gave them.
                        position INTEGER NOT NULL,
                        estimated_documents INTEGER,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
                        read INTEGER NOT NULL DEFAULT 0,
                        written INTEGER NOT NULL DEFAULT 0,
                        already_newer INTEGER NOT NULL DEFAULT 0,
                        failed INTEGER NOT NULL DEFAULT 0,
                        checkpoint TEXT,
                        updated_at DATETIME NOT NULL,
                        completed_at DATETIME,
                        PRIMARY KEY (run_id, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX unit_by_position ON unit(run_id, position);

                    -- Index settings changed by --fast-load, to restore after the run or, after a crash, by the next run.
                    CREATE TABLE remembered_setting (
                        cluster TEXT NOT NULL,
                        index_name TEXT NOT NULL,
                        setting TEXT NOT NULL,
                        -- NULL: the setting was unset.
                        original_value TEXT,
                        remembered_at DATETIME NOT NULL,
                        PRIMARY KEY (cluster, index_name, setting)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    -- How far a replayer applied a capture log to a target: it resumes here after a restart.
                    CREATE TABLE replay_progress (
                        capture_dir TEXT NOT NULL,
                        target TEXT NOT NULL,
                        segment INTEGER NOT NULL,
                        byte_offset INTEGER NOT NULL,
                        exchanges INTEGER NOT NULL DEFAULT 0,
                        written INTEGER NOT NULL DEFAULT 0,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        already_newer INTEGER NOT NULL DEFAULT 0,
                        reread INTEGER NOT NULL DEFAULT 0,
                        admin INTEGER NOT NULL DEFAULT 0,
                        failed INTEGER NOT NULL DEFAULT 0,
                        -- When the source answered the last applied write (milliseconds since 1970), for the lag in seconds.
                        last_write_millis INTEGER,
                        lag_records INTEGER NOT NULL DEFAULT 0,
                        lag_seconds REAL NOT NULL DEFAULT 0,
                        updated_at DATETIME NOT NULL,
                        PRIMARY KEY (capture_dir, target)
                    ) WITHOUT ROWID;

                    -- What a replay could not apply exactly: indices to repair, unsupported requests, refused writes.
                    CREATE TABLE replay_issue (
                        capture_dir TEXT NOT NULL,
                        target TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('repair', 'unsupported', 'failed')),
                        index_name TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        occurrences INTEGER NOT NULL,
                        first_seen DATETIME NOT NULL,
                        last_seen DATETIME NOT NULL,
                        PRIMARY KEY (capture_dir, target, kind, index_name, reason)
                    ) WITHOUT ROWID;

                    -- The outcome of each tern validate, for tern status and the cutover gate.
                    CREATE TABLE validation_run (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source TEXT NOT NULL,
                        target TEXT NOT NULL,
                        finished_at DATETIME NOT NULL,
                        ok INTEGER NOT NULL,
                        summary TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    -- Operations that change both clusters (migrate, cutover, rollback, decommission), step by step, so a
                    -- killed one resumes at its first unfinished step.
                    CREATE TABLE operation (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted', 'failed')),
                        actor TEXT NOT NULL,
                        started_at DATETIME NOT NULL,
                        finished_at DATETIME,
                        detail TEXT NOT NULL DEFAULT ''
                    );
                    -- At most one unfinished operation per kind: the one a new start resumes.
                    CREATE UNIQUE INDEX operation_unfinished ON operation(kind) WHERE status = 'running';

                    CREATE TABLE operation_step (
                        operation_id INTEGER NOT NULL REFERENCES operation(id) ON DELETE CASCADE,
                        step TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'skipped')),
                        started_at DATETIME NOT NULL,
                        finished_at DATETIME,
                        detail TEXT NOT NULL DEFAULT '',
                        -- What a resumed step must know of its first attempt (the indices it blocked), as JSON.
                        facts TEXT,
                        PRIMARY KEY (operation_id, step)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}
