/// Work over many items with a bound on how much runs at once (reads and writes against one server).
enum BoundedTasks {
    /// `body(0) ... body(count - 1)`, at most `limit` at a time; the results in index order. `finished` is called
    /// after each one (for progress). The first error cancels the rest and is thrown.
    static func map<T: Sendable>(
        count: Int, limit: Int, finished: () -> Void = {}, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        var results = [T?](repeating: nil, count: count)
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var next = 0
            func addNext() {
                let index = next
                next += 1
                group.addTask { (index, try await body(index)) }
            }
            for _ in 0..<min(max(1, limit), count) { addNext() }
            while let (index, value) = try await group.next() {
                results[index] = value
                finished()
                if next < count { addNext() }
            }
        }
        return results.map { $0! }
    }
}
