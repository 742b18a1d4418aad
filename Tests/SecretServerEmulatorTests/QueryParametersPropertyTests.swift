import Foundation
import PropertyBased
import Testing

@testable import SecretServerEmulator

/// PropertyBased 2.0.1 runs a property's body under `try?`, so an error it throws would pass silently: record it.
private func recording(_ body: () throws -> Void) {
    do { try body() } catch { Issue.record("threw \(error)") }
}

private let queryCharacters: [Character] = Array("aZ09-_.~ +&=%/?#[]é中🔑")
private let queryText = Gen<Character?>.element(of: queryCharacters).map { $0! }.string(of: 0...10)
private let keyText = Gen<Character?>.element(of: Array("abcXYZ09_-.é")).map { $0! }.string(of: 1...6)

/// Encodes as clients do: unreserved characters as they are, everything else as %XX; a space as `+` or `%20`.
private func encode(_ text: String, spaceAsPlus: Bool) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: " ") where spaceAsPlus:
            result += "+"
        default:
            result += String(format: "%%%02X", byte)
        }
    }
    return result
}

/// Property-based tests of how the local server reads query strings.
@Suite(.timeLimit(.minutes(5)))
struct QueryParametersPropertyTests {
    /// Whatever the pairs hold, the first value of each key comes back decoded, looked up in any case, however
    /// spaces were encoded; repeated keys keep every value in order.
    @Test func encodedPairsDecodeToWhatWasSent() async {
        await propertyCheck(count: 500, input: zip(keyText, queryText).array(of: 1...8), Gen.bool) { pairs, spaceAsPlus in
            recording {
                let query = pairs.map { encode($0.0, spaceAsPlus: spaceAsPlus) + "=" + encode($0.1, spaceAsPlus: spaceAsPlus) }
                    .joined(separator: "&")
                let parameters = QueryParameters(query)
                for (key, _) in pairs where !key.lowercased().hasPrefix("paging.") {
                    let values = pairs.filter { $0.0.lowercased() == key.lowercased() }.map(\.1)
                    #expect(parameters.string(key) == values.first, "\(query)")
                    #expect(parameters.string(key.uppercased()) == values.first)
                    #expect(Array(parameters.strings(key).prefix(values.count)) == values, "\(query)")
                }
            }
        }
    }

    /// Text without escapes reads as written, and a malformed escape (`%`, `%G1`, `%4`) is kept as written, as
    /// ASP.NET's decoder keeps it, with what is around it decoded as usual.
    @Test func malformedEscapesAreKeptAsWritten() async {
        let plain = Gen<Character?>.element(of: Array("aZ09-_.~ /?#[]é中🔑")).map { $0! }.string(of: 0...10)
        await propertyCheck(count: 1000, input: plain, Gen.element(of: ["%", "%G1", "%4", "%zz", "%%"]).map { $0! }, plain) {
            before, junk, after in
            recording {
                #expect(QueryParameters.decode(Substring(before)) == before)
                // In the middle (followed by `~`, which is no hex digit) and at the end.
                let text = encode(before, spaceAsPlus: true) + junk + "~" + encode(after, spaceAsPlus: false) + junk
                #expect(QueryParameters.decode(Substring(text)) == before + junk + "~" + after + junk, "\(text)")
            }
        }
    }
}
