#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's environment variables, read from `environ` when asked (so a variable set since is seen).
///
/// Foundation's `ProcessInfo.environment` builds the same dictionary, but splits every entry by `Character`: about
/// 400,000 instructions for 30 variables, and four reads of it were 18% of a `sesame secret get` with a stored
/// session (callgrind). This splits the bytes at the first `=`.
public enum ProcessEnvironment {
    /// Every variable, by name. Where a name appears twice, the first entry wins, as with `getenv`. Entries that are
    /// not `NAME=value` with a name, or not UTF-8, are skipped (as Foundation skips them): a repaired name or value
    /// would be one nobody set.
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        #if canImport(Darwin)
            guard var entry = _NSGetEnviron()?.pointee else { return variables }
        #else
            guard var entry = environ as UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? else { return variables }
        #endif
        while let text = entry.pointee {
            let bytes = UnsafeRawBufferPointer(start: text, count: strlen(text))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")), equals > 0,
                let name = String(validating: bytes[..<equals], as: UTF8.self),
                let value = String(validating: bytes[(equals + 1)...], as: UTF8.self),
                variables[name] == nil
            {
                variables[name] = value
            }
            entry += 1
        }
        return variables
    }
}
