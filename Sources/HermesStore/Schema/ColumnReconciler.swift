/// Adds the columns an older `state.db` lacks, as the Python project does on every open: the
/// table definitions are the single source of truth, and a live table missing one of their
/// columns gets it with `ALTER TABLE … ADD COLUMN`, with the declared type and default.
enum ColumnReconciler {
    private struct Column {
        var name: String
        var type: String
        var notNull: Bool
        var defaultValue: String?
    }

    static func addMissingColumns(to connection: SQLiteConnection) throws(StoreError) {
        let reference = try SQLiteConnection(path: ":memory:", readOnly: false)
        defer { reference.close() }
        try reference.execute(StateSchema.tables)
        let tables = try reference.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        while try tables.step() {
            guard let table = tables.text(0) else { continue }
            let live = Set(try columns(of: table, in: connection).map(\.name))
            for column in try columns(of: table, in: reference) where !live.contains(column.name) {
                var sql = "ALTER TABLE \"\(table)\" ADD COLUMN \"\(column.name)\" \(column.type)"
                if column.notNull { sql += " NOT NULL" }
                if let value = column.defaultValue { sql += " DEFAULT \(value)" }
                try connection.execute(sql)
            }
        }
    }

    private static func columns(of table: String, in connection: SQLiteConnection) throws(StoreError) -> [Column] {
        let info = try connection.prepare("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info(?)")
        info.bind(table, at: 1)
        var result: [Column] = []
        while try info.step() {
            result.append(
                Column(name: info.text(0) ?? "", type: info.text(1) ?? "", notNull: info.int(2) != 0, defaultValue: info.text(3)))
        }
        return result
    }
}
