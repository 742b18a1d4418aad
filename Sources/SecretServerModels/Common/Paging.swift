/// One sort key of a search: `sortBy[0].name=Name&sortBy[0].direction=asc`.
public struct Sort: Codable, Sendable, Hashable {
    public var name: String
    /// `None`, `Asc` or `Desc`.
    public var direction: String
    public var priority: Int

    public init(name: String, direction: String = "Asc", priority: Int = 0) {
        self.name = name
        self.direction = direction
        self.priority = priority
    }
}

/// The `PagingOf<T>` envelope every search route returns.
public struct Page<Record: Codable & Sendable>: Codable, Sendable {
    public var skip: Int
    public var take: Int
    public var total: Int
    public var pageCount: Int
    public var currentPage: Int
    public var batchCount: Int
    public var prevSkip: Int
    public var nextSkip: Int
    public var hasPrev: Bool
    public var hasNext: Bool
    public var records: [Record]
    public var sortBy: [Sort]
    public var success: Bool
    /// `None`, `Retry`, `Warn`, `Critical` or `Fatal`.
    public var severity: String

    /// Builds the envelope for `records`, the page at `skip` of size `take` out of `total`, with every
    /// derived counter computed the way the real server does. The arithmetic saturates: counters that came
    /// from a request or an answer can be as large as `Int` allows without trapping.
    public init(records: [Record], skip: Int, take: Int, total: Int, sortBy: [Sort] = []) {
        self.skip = skip
        self.take = take
        self.total = total
        self.records = records
        self.sortBy = sortBy
        let size = max(take, 1)
        self.pageCount = total <= 0 ? 0 : total / size + (total % size == 0 ? 0 : 1)
        self.currentPage = Saturating.add(skip / size, 1)
        self.batchCount = pageCount
        self.prevSkip = max(Saturating.subtract(skip, take), 0)
        self.nextSkip = Saturating.add(skip, take)
        self.hasPrev = skip > 0
        self.hasNext = Saturating.add(skip, records.count) < total && !records.isEmpty
        self.success = true
        self.severity = "None"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case skip, take, total, pageCount, currentPage, batchCount, prevSkip, nextSkip, hasPrev, hasNext
        case records, sortBy, success, severity
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        skip = try c.value(.skip, or: 0)
        take = try c.value(.take, or: 0)
        records = try c.value(.records, or: [])
        total = try c.value(.total, or: records.count)
        pageCount = try c.value(.pageCount, or: 0)
        currentPage = try c.value(.currentPage, or: 0)
        batchCount = try c.value(.batchCount, or: 0)
        prevSkip = try c.value(.prevSkip, or: 0)
        nextSkip = try c.value(.nextSkip, or: Saturating.add(skip, records.count))
        hasPrev = try c.value(.hasPrev, or: skip > 0)
        hasNext = try c.value(.hasNext, or: false)
        sortBy = try c.value(.sortBy, or: [])
        success = try c.value(.success, or: true)
        severity = try c.value(.severity, or: "None")
    }
}
