import AsyncHTTPClient
import NIOCore

/// Reads answer bodies with a size limit and a deadline, for both clients.
package enum ResponseBodyReader {
    /// Reads `body` to its end, at most `maximumSize` bytes, by `deadline`.
    ///
    /// AHC's request timeout ends when the answer's head arrives; a server that drips its body byte by byte would
    /// otherwise hold the caller for as long as it likes. The deadline is checked as each part of the body
    /// arrives; a server that sends nothing at all is caught by AHC's read timeout (the clients set it to the
    /// request timeout), so a dripping body ends at most one read timeout after the deadline. Past the limit
    /// (`NIOTooManyBytesError`) or the deadline (`HTTPClientError.deadlineExceeded`) the read stops, which makes
    /// AHC close the connection instead of reading the rest.
    ///
    /// This replaced a task group racing the read against a sleeping task: two child tasks and a timer per
    /// request cost about a tenth of the client's time on a bulk read (Benchmarks/README.md).
    package static func collect(
        _ body: HTTPClientResponse.Body, upTo maximumSize: Int, before deadline: ContinuousClock.Instant
    ) async throws -> ByteBuffer {
        var collected: ByteBuffer?
        for try await part in body {
            guard (collected?.readableBytes ?? 0) + part.readableBytes <= maximumSize else {
                throw NIOTooManyBytesError(maxBytes: maximumSize)
            }
            if collected == nil {
                collected = part
            } else {
                var part = part
                collected!.writeBuffer(&part)
            }
            guard ContinuousClock.now < deadline else { throw HTTPClientError.deadlineExceeded }
        }
        return collected ?? ByteBuffer()
    }
}
