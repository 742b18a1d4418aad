/// The check-outs a provider holds for reads (`SecretAccess.checkOut`): a secret is checked out once however many
/// of its fields are read at the same time, and in again when the last of those reads is done. A check-out that
/// starts while the same secret's check-in is on the wire waits for it, so the server never sees them crossed.
actor CheckOutLedger {
    private var holders: [Int: Int] = [:]
    private var checkingOut: [Int: Task<Void, any Error>] = [:]
    private var checkingIn: [Int: Task<Void, any Error>] = [:]

    /// Holds secret `id` checked out (calling `checkOut` when nobody holds it yet).
    func acquire(_ id: Int, checkOut: @escaping @Sendable () async throws -> Void) async throws {
        while let releasing = checkingIn[id] {
            _ = await releasing.result
            if checkingIn[id] == releasing { checkingIn[id] = nil }
        }
        holders[id, default: 0] += 1
        let task: Task<Void, any Error>
        if let running = checkingOut[id] {
            task = running
        } else {
            task = Task { try await checkOut() }
            checkingOut[id] = task
        }
        do {
            try await task.value
        } catch {
            // A failed check-out is not handed to whoever comes next: they try again.
            if checkingOut[id] == task { checkingOut[id] = nil }
            drop(id)
            throw error
        }
    }

    /// Lets go of secret `id` (calling `checkIn` when this was the last holder).
    func release(_ id: Int, checkIn: @escaping @Sendable () async throws -> Void) async throws {
        guard holders[id] != nil else { return }
        drop(id)
        guard holders[id] == nil else { return }
        let task = Task { try await checkIn() }
        checkingIn[id] = task
        let result = await task.result
        if checkingIn[id] == task { checkingIn[id] = nil }
        try result.get()
    }

    private func drop(_ id: Int) {
        let left = (holders[id] ?? 1) - 1
        if left > 0 {
            holders[id] = left
        } else {
            holders[id] = nil
            checkingOut[id] = nil
        }
    }
}
