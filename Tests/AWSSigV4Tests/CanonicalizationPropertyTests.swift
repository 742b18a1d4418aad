import Foundation
import PropertyBased
import Testing

@testable import AWSSigV4

/// PropertyBased 2.0.1 runs a property's body under `try?`, so an error it throws would pass silently: record it.
private func recording(_ body: () throws -> Void) {
    do { try body() } catch { Issue.record("threw \(error)") }
}

/// Text with everything SigV4 encodes: reserved characters, spaces, plus, tilde, non-ASCII and an emoji.
private let queryCharacters: [Character] = Array("aZ09-_.~ +&=%/?#:@!$'()*,;[]é中🔑")
private let queryText = Gen<Character?>.element(of: queryCharacters).map { $0! }.string(of: 0...10)
private let queryItems = zip(queryText, queryText).array(of: 0...8)

/// Property-based tests of SigV4 canonicalisation (the parts AWS's suite checks only by example).
@Suite(.timeLimit(.minutes(5)))
struct CanonicalizationPropertyTests {
    /// Only unreserved characters and %XX escapes (upper-case hex) survive encoding, and it decodes back.
    @Test func uriEncodingIsRFC3986AndReversible() async {
        await propertyCheck(count: 1000, input: queryText) { text in
            recording {
                let encoded = AWSSigner.uriEncode(text)
                #expect(encoded.removingPercentEncoding == text)
                let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%")
                #expect(encoded.allSatisfy { unreserved.contains($0) }, "\(encoded)")
                var index = encoded.startIndex
                while let percent = encoded[index...].firstIndex(of: "%") {
                    let hex = encoded[encoded.index(after: percent)...].prefix(2)
                    #expect(hex.count == 2 && hex.allSatisfy { "0123456789ABCDEF".contains($0) }, "\(encoded)")
                    index = encoded.index(after: percent)
                }
            }
        }
    }

    /// The canonical query is the same in whatever order the items come, is sorted by encoded key then value,
    /// and reads back as the same items.
    @Test func canonicalQueryIsOrderFreeSortedAndLossless() async {
        await propertyCheck(count: 500, input: queryItems) { items in
            recording {
                let canonical = AWSSigner.canonicalQuery(items)
                #expect(AWSSigner.canonicalQuery(items.reversed()) == canonical)
                #expect(AWSSigner.canonicalQuery(items.shuffled()) == canonical)
                let pairs: [(String, String)] =
                    canonical.isEmpty
                    ? []
                    : canonical.split(separator: "&", omittingEmptySubsequences: false).map { pair in
                        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                        return (parts[0], parts.count > 1 ? parts[1] : "")
                    }
                #expect(pairs.count == items.count)
                for (left, right) in zip(pairs, pairs.dropFirst()) {
                    #expect(left.0 < right.0 || (left.0 == right.0 && left.1 <= right.1), "\(canonical)")
                }
                let decoded = AWSSigner.queryItems(canonical)
                let sortedDecoded = decoded.map { "\($0.0)\u{0}\($0.1)" }.sorted()
                let sortedItems = items.map { "\($0.0)\u{0}\($0.1)" }.sorted()
                #expect(sortedDecoded == sortedItems, "\(canonical)")
            }
        }
    }
}
