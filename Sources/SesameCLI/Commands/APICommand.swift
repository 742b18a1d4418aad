import ArgumentParser
import Foundation
import SecretServer
import SecretServerModels

/// `sesame api METHOD PATH`: any API operation, in the spirit of `gh api`.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Call any Secret Server API operation, signed in, with retries and clear errors.",
        discussion: HelpText.flowing(
            """
            PATH is below {url}/api. For GET and DELETE, fields become query parameters; for other methods
            they make a JSON object body. -f sends text, -F sends numbers, true/false and null as JSON.
            Values that look like secrets (password, value, token, key fields) are refused on the command
            line: put them in a file and use --input.

            Examples:
              sesame api GET /v1/users -f filter.searchText=ali -f take=50
              sesame api POST /v1/groups -f name=operators -F enabled=true
              sesame api PUT /v1/secrets/12/fields/password --input new-password.json
            """)
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "GET, POST, PUT, PATCH or DELETE.")
    var method: String

    @Argument(help: "The path below /api, e.g. /v1/secrets/12.")
    var path: String

    @Option(name: .customShort("f"), help: ArgumentHelp("A text field: key=value.", valueName: "key=value"))
    var fields: [String] = []

    @Option(name: .customShort("F"), help: ArgumentHelp("A typed field: key=number|true|false|null.", valueName: "key=value"))
    var typedFields: [String] = []

    @Option(name: .long, help: "Send this file as the body (- for standard input).")
    var input: String?

    static let secretLookingKeys = ["password", "value", "itemvalue", "token", "secret", "key", "passphrase", "fileattachment"]

    func run() async throws {
        let verb = method.uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(verb) else {
            throw CLIError("unknown method '\(method)'", hint: "use GET, POST, PUT, PATCH or DELETE")
        }
        var pairs: [(String, JSONValue)] = []
        for (text, typed) in fields.map({ ($0, false) }) + typedFields.map({ ($0, true) }) {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw CLIError("a field must be key=value; found '\(text.prefix(while: { $0 != "=" }))'")
            }
            let key = String(text[..<equals])
            let raw = String(text[text.index(after: equals)...])
            let last = key.split(separator: ".").last.map(String.init)?.lowercased() ?? key.lowercased()
            if Self.secretLookingKeys.contains(where: { last.contains($0) }) && !last.hasSuffix("id") {
                throw CLIError(
                    "the value of '\(key)' looks like a secret and must not be passed on the command line",
                    hint: "write the body to a file (mode 0600) and pass --input FILE, or --input - for stdin")
            }
            pairs.append((key, typed ? Self.typed(raw) : .string(raw)))
        }
        var query: [(String, String)] = []
        var body: Data?
        if let input {
            guard pairs.isEmpty || ["GET", "DELETE"].contains(verb) else {
                throw CLIError("use either fields or --input for the body, not both")
            }
            body = input == "-" ? try Terminal.readStandardInput(limit: Terminal.fileLimit) : try Terminal.readFile(input, limit: Terminal.fileLimit)
        }
        if ["GET", "DELETE"].contains(verb) {
            query = pairs.map { ($0.0, $0.1.stringValue ?? "null") }
        } else if !pairs.isEmpty {
            body = try WireCoding.makeEncoder().encode(JSONValue.object(JSONObject(pairs.map { (key: $0.0, value: $0.1) })))
        }
        // Anything but a read may change a secret: the disk cache forgets this account's values afterwards.
        let response = try await connection.withClient(changing: verb != "GET") { client in
            try await client.send(method: verb, path: path, query: query, body: body)
        }
        if response.isJSON, let value = try? response.json() {
            try Output.json(value)
        } else {
            FileHandle.standardOutput.write(response.body)
        }
    }

    static func typed(_ text: String) -> JSONValue {
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let number = Int64(text) { return .int(number) }
            if let number = Double(text) { return .double(number) }
            return .string(text)
        }
    }
}
