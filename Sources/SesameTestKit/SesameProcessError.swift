/// A `sesame` process a test started did not do its part: the binary is missing, it did not finish in time, or a
/// server did not become ready. `description` says which, with what the process printed.
package struct SesameProcessError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
