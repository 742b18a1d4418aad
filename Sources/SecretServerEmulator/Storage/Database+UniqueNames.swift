import GRDB

extension Database {
    /// Throws the real server's duplicate-name error (`code`, "A `what` named '…' already exists.") when `table`
    /// already holds a row named `name`, other than the row `excluding` (an update keeping its own name).
    func requireUnusedName(_ name: String, in table: String, excluding id: Int64? = nil, code: String, what: String) throws {
        let taken =
            if let id {
                try Bool.fetchOne(self, sql: "SELECT EXISTS(SELECT 1 FROM \(table) WHERE name = ? AND id != ?)", arguments: [name, id])
            } else {
                try Bool.fetchOne(self, sql: "SELECT EXISTS(SELECT 1 FROM \(table) WHERE name = ?)", arguments: [name])
            }
        if taken == true { throw EmulatorAPIError.badRequest(code, "A \(what) named '\(name)' already exists.") }
    }
}
