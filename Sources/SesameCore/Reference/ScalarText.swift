/// Strings made from Unicode scalars and parts, in code this module specializes. The standard library's generic
/// forms (`String.UnicodeScalarView(_:)` of a sequence, `joined(separator:)`) run unspecialized in a statically
/// linked binary, and their first use looks each conformance they need up at run time: a scan of every conformance
/// record of the binary (~70 µs each). References are parsed on the start-up path of every `sesame get`.
enum ScalarText {
    /// `scalars` as a string.
    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        for scalar in scalars { view.append(scalar) }
        return String(view)
    }

    /// `parts` with `separator` between each two.
    static func join(_ parts: [String], separator: String) -> String {
        var result = ""
        for (index, part) in parts.enumerated() {
            if index > 0 { result += separator }
            result += part
        }
        return result
    }
}
