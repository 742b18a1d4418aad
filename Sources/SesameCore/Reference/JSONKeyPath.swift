/// A path into a JSON document: `user.name`, `hosts[0].port`, `a\.b` (a key with a dot in it).
public struct JSONKeyPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let components: [Component]

    public init(_ components: [Component]) {
        self.components = components
    }

    /// Parses `text`. Dots separate keys, `\.` is a dot inside a key, `\[` and `\]` brackets, `\\` a backslash,
    /// `[N]` an array index.
    /// - Parameter offset: where `text` starts in the whole reference, for error positions.
    public init(parsing text: String, reference: String? = nil, offset: Int = 0) throws(SecretReferenceError) {
        let whole = reference ?? text
        func fail(_ at: Int, _ message: String) -> SecretReferenceError {
            SecretReferenceError(reference: whole, position: offset + at, message: message)
        }
        var components: [Component] = []
        var key = ""
        var keyStarted = false
        // Unicode scalars, not characters: a combining mark after a '.' or ']' would otherwise join it and hide it.
        let characters = Array(text.unicodeScalars)
        var index = 0
        // Whether the last thing read was an index, after which only `.`, `[` or the end may follow.
        var afterIndex = false
        guard !characters.isEmpty else { throw fail(0, "the key path after '#' is empty; remove the '#' or name a key") }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                guard index + 1 < characters.count, ".\\[]".unicodeScalars.contains(characters[index + 1]) else {
                    throw fail(index, "'\\' must be followed by '.', '[', ']' or '\\' in a key path")
                }
                if afterIndex { throw fail(index, "expected '.' or '[' after an array index") }
                key.unicodeScalars.append(characters[index + 1])
                keyStarted = true
                index += 2
                continue
            case ".":
                if !afterIndex {
                    guard keyStarted else { throw fail(index, "empty key in the key path (two dots, or a leading dot?)") }
                    components.append(.key(key))
                }
                key = ""
                keyStarted = false
                afterIndex = false
                guard index + 1 < characters.count else { throw fail(index, "the key path ends with '.'; name a key after it") }
            case "[":
                if keyStarted {
                    components.append(.key(key))
                    key = ""
                    keyStarted = false
                } else if !afterIndex && !(components.isEmpty && index == 0) && characters[index - 1] != "." {
                    throw fail(index, "unexpected '['")
                }
                guard let close = characters[index...].firstIndex(of: "]") else {
                    throw fail(index, "'[' is not closed; write an index as [0]")
                }
                let digits = ScalarText.string(characters[(index + 1)..<close])
                guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let number = Int(digits)
                else {
                    throw fail(index + 1, "an array index must be a number, as in [0]")
                }
                components.append(.index(number))
                afterIndex = true
                index = close + 1
                continue
            case "]":
                throw fail(index, "']' without '['")
            default:
                if afterIndex { throw fail(index, "expected '.' or '[' after an array index") }
                key.unicodeScalars.append(character)
                keyStarted = true
            }
            index += 1
        }
        if keyStarted { components.append(.key(key)) }
        self.components = components
    }

    /// The path written back: `a.b[0]`, with dots, both brackets and backslashes in keys escaped (so it parses back).
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                for scalar in key.unicodeScalars {
                    if ".\\[]".unicodeScalars.contains(scalar) { text.unicodeScalars.append("\\") }
                    text.unicodeScalars.append(scalar)
                }
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
