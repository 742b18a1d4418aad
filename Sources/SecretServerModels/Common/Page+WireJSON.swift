extension Sort {
    enum WireKey: String, CaseIterable, Sendable { case name, direction, priority }
    static let wireKeys = WireKeyTable<WireKey>()

    /// Reads a sort key as the synthesized `init(from:)` does: every key required.
    init(wire reader: inout WireJSONReader) throws(WireJSONReader.Unsupported) {
        var name: String?
        var direction: String?
        var priority: Int?
        try reader.readObject(Self.wireKeys) { reader, key throws(WireJSONReader.Unsupported) in
            switch key {
            case .name: name = try reader.readString()
            case .direction: direction = try reader.readString()
            case .priority: priority = try reader.readInt()
            }
        }
        guard let name, let direction, let priority else { throw WireJSONReader.Unsupported() }
        self.init(name: name, direction: direction, priority: priority)
    }
}

extension Page: WireJSONDecodable where Record == SecretSummary {
    /// Reads a page of summaries as `init(from:)` does (the same fallbacks, some derived from other keys),
    /// without `JSONDecoder`; `nil` when the text is anything the reader leaves to `JSONDecoder`.
    public static func decodeWireJSON(_ bytes: UnsafeRawBufferPointer) -> Page<SecretSummary>? {
        readWholeDocument(bytes) { reader throws(WireJSONReader.Unsupported) in
            var ints: [CodingKeys: Int] = [:]
            var bools: [CodingKeys: Bool] = [:]
            var records: [SecretSummary] = []
            var sortBy: [Sort] = []
            var severity = "None"
            try reader.readObject(pageKeys) { reader, key throws(WireJSONReader.Unsupported) in
                if try reader.readNull() { return }
                switch key {
                case .skip, .take, .total, .pageCount, .currentPage, .batchCount, .prevSkip, .nextSkip:
                    ints[key] = try reader.readInt()
                case .hasPrev, .hasNext, .success:
                    bools[key] = try reader.readBool()
                case .records:
                    try reader.readArray { reader throws(WireJSONReader.Unsupported) in
                        records.append(try SecretSummary(wire: &reader))
                    }
                case .sortBy:
                    try reader.readArray { reader throws(WireJSONReader.Unsupported) in sortBy.append(try Sort(wire: &reader)) }
                case .severity:
                    severity = try reader.readString()
                }
            }
            var page = Page(records: records, skip: 0, take: 0, total: 0, sortBy: sortBy)
            page.skip = ints[.skip] ?? 0
            page.take = ints[.take] ?? 0
            page.total = ints[.total] ?? records.count
            page.pageCount = ints[.pageCount] ?? 0
            page.currentPage = ints[.currentPage] ?? 0
            page.batchCount = ints[.batchCount] ?? 0
            page.prevSkip = ints[.prevSkip] ?? 0
            page.nextSkip = ints[.nextSkip] ?? Saturating.add(page.skip, records.count)
            page.hasPrev = bools[.hasPrev] ?? (page.skip > 0)
            page.hasNext = bools[.hasNext] ?? false
            page.success = bools[.success] ?? true
            page.severity = severity
            return page
        }
    }
}

/// The keys of `Page`, shared by every page type read from the wire.
private let pageKeys = WireKeyTable<Page<SecretSummary>.CodingKeys>()
