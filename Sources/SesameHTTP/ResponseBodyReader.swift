import AsyncHTTPClient
import NIOCore

/// Reads answer bodies with a size limit and a deadline, for both clients.
public enum ResponseBodyReader {
    /// Reads `body` to its end, at most `maximumSize` bytes, by `deadline`.
    ///
    /// AHC's request timeout ends when the answer's head arrives; a server that drips its body byte by byte would
    /// otherwise hold the caller for as long as it likes. Past the limit (`NIOTooManyBytesError`) or the deadline
    /// (`HTTPClientError.deadlineExceeded`) the read is cancelled, which makes AHC close the connection instead of
    /// reading the rest.
    public static func collect(
        _ body: HTTPClientResponse.Body, upTo maximumSize: Int, before deadline: ContinuousClock.Instant
    ) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: maximumSize) }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw HTTPClientError.deadlineExceeded }
            return buffer
        }
    }
}
