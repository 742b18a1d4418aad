import SecretServerModels

extension JSONValue {
    /// The same document with every object key's letters in random case, as clients in other languages write
    /// them (for tests of the case-insensitive readers).
    package func recasedKeys(using rng: inout some RandomNumberGenerator) -> JSONValue {
        switch self {
        case .array(let elements):
            return .array(elements.map { $0.recasedKeys(using: &rng) })
        case .object(let object):
            var result = JSONObject()
            for member in object.members {
                let key = String(member.key.map { Bool.random(using: &rng) ? Character($0.uppercased()) : Character($0.lowercased()) })
                result[key] = member.value.recasedKeys(using: &rng)
            }
            return .object(result)
        default:
            return self
        }
    }
}
