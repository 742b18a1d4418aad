extension KeyedDecodingContainer {
    /// Decodes `key` when present and not null, else returns `fallback`. Wire models decode this way so that
    /// a server of another version, which omits or nulls a property, still decodes.
    @inlinable
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}

extension KeyedEncodingContainer {
    /// Encodes an optional as an explicit JSON `null` when it is `nil`, as the real server does.
    @inlinable
    mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
