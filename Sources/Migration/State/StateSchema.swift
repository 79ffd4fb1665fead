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
        return migrator
    }
}
