import NIOHTTP1
import SecretServerModels

extension SecretServerClient {
    /// The server's health (`GET /api/v1/healthcheck`, no sign-in needed).
    public func healthCheck() async throws -> HealthCheckModel {
        try await get("/v1/healthcheck")
    }

    /// The server's version (`GET /api/v1/version`).
    public func version() async throws -> String {
        try await get("/v1/version", as: VersionSummary.self).version
    }

    /// The signed-in user (`GET /api/v1/users/current`).
    public func currentUser() async throws -> CurrentUserModel {
        try await get("/v1/users/current")
    }
}
