import Foundation
import SesameTestKit
import Testing

/// The process helpers the CLI tests run on: the async ones suspend the test instead of blocking a thread, and
/// their deadline ends a process that does not finish.
@Suite(.timeLimit(.minutes(5))) struct ProcessHelperTests {
    @Test func anAsyncRunReturnsStatusOutputAndErrors() async throws {
        let done = try await SesameProcess.runTool("/bin/sh", ["-c", "cat; echo to-stderr >&2; exit 3"], input: "given-input")
        #expect(done.status == 3)
        #expect(done.stdout == "given-input")
        #expect(done.stderr == "to-stderr\n")
    }

    @Test func anAsyncRunPastItsDeadlineEndsTheProcessAndThrows() async throws {
        let marker = "sesame-deadline-\(UUID().uuidString)"
        await #expect(throws: SesameProcessError.self) {
            _ = try await SesameProcess.runTool("/usr/bin/perl", ["-e", "sleep 60", marker], timeout: 0.5)
        }
        // The process (whose command line names the marker) was ended, not left behind.
        let left = try await SesameProcess.runTool("/usr/bin/pgrep", ["-f", marker])
        #expect(left.status == 1, "still running: \(left.stdout)")
    }

    @Test func aCancelledRunKillsItsProcess() async throws {
        let marker = "sesame-cancel-\(UUID().uuidString)"
        let running = Task { try await SesameProcess.runTool("/usr/bin/perl", ["-e", "sleep 60", marker], timeout: 120) }
        var seen = false
        for _ in 0..<500 where !seen {
            seen = try await SesameProcess.runTool("/usr/bin/pgrep", ["-f", marker]).status == 0
            if !seen { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(seen, "the process never started")
        running.cancel()
        let outcome = await running.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        let left = try await SesameProcess.runTool("/usr/bin/pgrep", ["-f", marker])
        #expect(left.status == 1, "still running after the test was cancelled: \(left.stdout)")
    }

    @Test func theBlockingRunHasTheSameDeadline() async throws {
        _ = try await onOwnThread {
            #expect(throws: SesameProcessError.self) {
                _ = try SesameProcess.runTool("/bin/sleep", ["60"], timeout: 0.5)
            }
        }
    }

    /// A program that leaves something running with its output (`sh -c 'daemon & echo started'`) is done when it
    /// exits: the run returns with what it wrote, and what it left behind is ended. (With Foundation's `Process`
    /// the exit was seen only when the daemon ended: here in ten minutes, past the suite's time limit.)
    @Test func aProgramThatLeavesADaemonBehindIsDoneWhenItExits() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/perl"), "perl (Debian's perl-base) is needed")
        let marker = "sesame-daemon-\(UUID().uuidString)"
        let done = try await SesameProcess.runTool("/bin/sh", ["-c", "/usr/bin/perl -e 'sleep 600' \(marker) & echo started"], timeout: 240)
        #expect(done.status == 0)
        #expect(done.stdout == "started\n")
        var left = try await SesameProcess.runTool("/usr/bin/pgrep", ["-f", marker])
        for _ in 0..<50 where left.status == 0 {  // a killed process may take a moment to go
            try await Task.sleep(for: .milliseconds(100))
            left = try await SesameProcess.runTool("/usr/bin/pgrep", ["-f", marker])
        }
        #expect(left.status == 1, "left running: \(left.stdout)")
    }

    /// The child does not inherit the test runner's ignored signals: SIGTERM ends it, and SIGPIPE, which the helpers
    /// always ignore in this process, is not ignored in the child (its `SigIgn` mask in /proc).
    @Test func theChildStartsWithDefaultSignalHandlers() async throws {
        let done = try await SesameProcess.runTool("/bin/sh", ["-c", "kill -TERM $$; sleep 5; echo survived"], timeout: 30)
        #expect(done.status == 128 + SIGTERM, "\(done.stdout)")
        #expect(done.stdout.isEmpty)
        signal(SIGPIPE, SIG_IGN)  // as the helpers do at their first use
        let status = try await SesameProcess.runTool("/bin/sh", ["-c", "grep SigIgn /proc/$$/status"])
        let mask = try #require(status.stdout.split(separator: "\t").last.flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) })
        #expect(mask & (1 << UInt64(SIGPIPE - 1)) == 0, "SIGPIPE is ignored in the child: \(status.stdout)")
    }

    /// A child that never reads a large input and never exits cannot stop the deadline: the input is written on a
    /// thread of its own. (Written in the call, it blocked the test until the suite's time limit.)
    @Test func anUnreadInputDoesNotHoldTheDeadline() async throws {
        await #expect(throws: SesameProcessError.self) {
            _ = try await SesameProcess.runTool("/bin/sleep", ["600"], input: String(repeating: "x", count: 1 << 20), timeout: 0.5)
        }
    }

    /// The child has its three standard streams and none of this process's other descriptors: one another thread
    /// opened without close-on-exec would keep a file open (a script written that way could not be run).
    @Test func theChildInheritsNoOtherDescriptor() async throws {
        let descriptor = open("/dev/null", O_RDONLY)  // no O_CLOEXEC
        try #require(descriptor > 2)
        defer { close(descriptor) }
        let done = try await SesameProcess.runTool("/bin/sh", ["-c", "ls /proc/$$/fd"])
        let open = done.stdout.split(separator: "\n").map(String.init)
        #expect(open.contains("1") && !open.contains("\(descriptor)"), "\(open)")
    }

    /// A stopped server's port stays taken while its object lives: connections to it are refused, and no other
    /// socket is given it (one bound without `SO_REUSEADDR`, as the kernel's free-port choice is, is refused).
    @Test func aStoppedServersPortIsNotGivenToAnotherListener() async throws {
        let server = try await SesameProcess.Server.start(adminPassword: "Port-Admin-Passw0rd!")
        server.stop()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        func attempt(_ operation: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { operation(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            return result == 0 ? 0 : errno
        }
        #expect(attempt(connect) == ECONNREFUSED)
        #expect(attempt(bind) == EADDRINUSE)
    }
}
