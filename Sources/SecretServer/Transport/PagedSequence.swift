import SecretServerModels

/// Every record of a search, fetched one page at a time as you iterate (skip/take). Only one page is held
/// in memory, and nothing is capped: iteration ends when the server says there is no next page.
///
/// ```swift
/// for try await summary in client.searchSecrets(SecretSearch(text: "db")) {
///     print(summary.id, summary.name)
/// }
/// ```
public struct PagedSequence<Element: Codable & Sendable>: AsyncSequence, Sendable {
    public typealias Fetch = @Sendable (_ skip: Int, _ take: Int) async throws -> Page<Element>

    let pageSize: Int
    let fetch: Fetch

    init(pageSize: Int, fetch: @escaping Fetch) {
        self.pageSize = Swift.max(1, pageSize)
        self.fetch = fetch
    }

    /// The first page alone (with the server's `total`).
    public func firstPage() async throws -> Page<Element> {
        try await fetch(0, pageSize)
    }

    /// Every element, collected. Prefer iterating when there may be many.
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(pageSize: pageSize, fetch: fetch)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let pageSize: Int
        let fetch: Fetch
        var buffer: [Element] = []
        var index = 0
        var nextSkip = 0
        var finished = false

        init(pageSize: Int, fetch: @escaping Fetch) {
            self.pageSize = pageSize
            self.fetch = fetch
        }

        public mutating func next() async throws -> Element? {
            while index >= buffer.count {
                if finished { return nil }
                let page = try await fetch(nextSkip, pageSize)
                buffer = page.records
                index = 0
                nextSkip = Saturating.add(nextSkip, page.records.count)
                // `hasNext` decides (a `total` can be stale or skipped); an empty page also ends the walk, so a
                // server that always says hasNext cannot loop forever.
                if !page.hasNext || page.records.isEmpty {
                    finished = true
                }
                if buffer.isEmpty { return nil }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}
