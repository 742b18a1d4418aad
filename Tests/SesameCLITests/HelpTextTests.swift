import ArgumentParser
import Testing

@testable import SesameCLI

/// Help prose is joined into paragraphs (ArgumentParser wraps them at the terminal's width); examples and lists
/// stay as written.
@Suite(.timeLimit(.minutes(1))) struct HelpTextTests {
    @Test func joinsProseAndKeepsExamplesAndLists() {
        // Examples, list items (and an indented line that goes on with one), blank lines: as written.
        let kept = """

            Examples:
              sesame get tss://12/password
              sesame run -- ./app
            - an item
            - another, which goes on
              on an indented line
            1. a numbered item

            Prose after it.
            """
        #expect(HelpText.flowing("The first sentence breaks\nwhere the source does.\n" + kept) == "The first sentence breaks where the source does.\n" + kept)
    }

    /// Every command's discussion is flowed: no sentence goes on on the next line of the source, where
    /// ArgumentParser would break it a second time.
    @Test func everyCommandsDiscussionIsFlowed() {
        var pending: [any ParsableCommand.Type] = [SesameCommand.self]
        var seen = 0
        while let command = pending.popLast() {
            seen += 1
            pending += command.configuration.subcommands
            let lines = command.configuration.discussion.split(separator: "\n", omittingEmptySubsequences: false)
            for (line, next) in zip(lines, lines.dropFirst()) {
                let prose = { (text: Substring) in
                    text.first.map { !$0.isWhitespace } ?? false && !text.hasPrefix("- ") && !text.hasPrefix("* ")
                }
                #expect(!(prose(line) && prose(next)), "\(command._commandName): '\(line)' goes on on the next line")
            }
        }
        #expect(seen > 60)
    }
}
