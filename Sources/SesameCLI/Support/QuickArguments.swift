import ArgumentParser

/// The arguments of a hot command (`sesame get`, `sesame secret get`) read without ArgumentParser.
///
/// ArgumentParser learns a command's options by reflecting on it: every property wrapper it meets is a type
/// metadata instantiation and a protocol-conformance lookup, and each lookup scans all of the binary's ~13,000
/// conformance records. That is about a quarter of a cached `secret get` (perf). This reader takes only the
/// unambiguous spellings (`--name value`, `--name=value`, `--flag`, plain words) of names it is told, each at most
/// once; anything else — a short option, `--`, a value that starts with `-`, a name given twice, an unknown name, a
/// value the option's type refuses — makes it give up (`nil`), and ArgumentParser parses the words as always, so
/// its errors and help read as ever. For every line it accepts, the command it builds is the one ArgumentParser
/// builds (`QuickArgumentsTests` holds both side by side, and the names against ArgumentParser's own list).
struct QuickArguments {
    /// Why the reader gave up: the words are ArgumentParser's to parse.
    struct GiveUp: Error {}

    private var values: [String: String] = [:]
    private var flags: Set<String> = []
    /// The plain words, in order.
    private(set) var positionals: [String] = []

    /// Reads `words` as the long options `options` (each takes a value) and the flags `flags`; `nil` when they hold
    /// anything else.
    init?(_ words: ArraySlice<String>, options: Set<String>, flags flagNames: Set<String>) {
        var index = words.startIndex
        while index < words.endIndex {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-") else {
                positionals.append(word)
                continue
            }
            guard word.hasPrefix("--"), word.count > 2 else { return nil }
            let body = word.dropFirst(2)
            let name: String
            let value: String
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                value = String(body[body.index(after: equals)...])
                guard options.contains(name) else { return nil }
            } else if flagNames.contains(String(body)) {
                guard flags.insert(String(body)).inserted else { return nil }
                continue
            } else {
                name = String(body)
                guard options.contains(name), index < words.endIndex else { return nil }
                value = words[index]
                index += 1
            }
            guard !value.isEmpty, !value.hasPrefix("-"), values.updateValue(value, forKey: name) == nil else { return nil }
        }
    }

    /// Whether `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of `--name` as `T`: `nil` when not given; gives up when `T` refuses it.
    func option<T: ExpressibleByArgument>(_ name: String, as type: T.Type = T.self) throws(GiveUp) -> T? {
        guard let text = values[name] else { return nil }
        guard let value = T(argument: text) else { throw GiveUp() }
        return value
    }

    /// The only plain word; gives up when there is none or more than one.
    func onlyPositional() throws(GiveUp) -> String {
        guard positionals.count == 1 else { throw GiveUp() }
        return positionals[0]
    }
}

/// A group of options the quick reader can fill: the names it takes, and the group built from a reading.
protocol QuickParsable: ParsableArguments {
    /// The long names of the options that take a value.
    static var quickOptions: Set<String> { get }
    /// The long names of the flags.
    static var quickFlags: Set<String> { get }
    /// The group as ArgumentParser would have parsed it from the same words. Sets every property, on a copy
    /// (`var parsed = Self()`, then `self = parsed`): assigned in the initializer itself, a wrapped property
    /// with a default kept ArgumentParser's unparsed definition (seen here), which exits when read.
    init(quick arguments: QuickArguments) throws(QuickArguments.GiveUp)
}

extension QuickArguments {
    /// Reads `words` for a command made of `groups` plus the command's own `options` and `flags`.
    init?(_ words: ArraySlice<String>, groups: [any QuickParsable.Type], options: Set<String> = [], flags: Set<String> = []) {
        var allOptions = options
        var allFlags = flags
        for group in groups {
            allOptions.formUnion(group.quickOptions)
            allFlags.formUnion(group.quickFlags)
        }
        self.init(words, options: allOptions, flags: allFlags)
    }
}

/// The commands the quick reader knows.
enum QuickParse {
    /// The command `arguments` name, built without ArgumentParser, or `nil` when it is ArgumentParser's to parse.
    /// Typed as the async command it is, so running it needs no dynamic cast (each first cast scans the binary's
    /// conformance records).
    static func command(_ arguments: [String]) -> (any AsyncParsableCommand)? {
        // Help and version words are the whole tree's to answer (`sesame get help` is help, not a reference).
        guard !arguments.contains(where: SesameCommand.isHelpWord) else { return nil }
        do {
            switch arguments.first {
            case "get":
                guard let words = QuickArguments(arguments.dropFirst(), groups: GetCommand.quickGroups, options: ["output"]) else { return nil }
                return try GetCommand(quick: words)
            case "secret" where arguments.count > 1 && arguments[1] == "get":
                guard
                    let words = QuickArguments(
                        arguments.dropFirst(2), groups: SecretGetCommand.quickGroups, options: ["field"], flags: ["reveal"])
                else { return nil }
                return try SecretGetCommand(quick: words)
            default:
                return nil
            }
        } catch {
            return nil
        }
    }
}
