import Foundation
import SecretServer
import SecretServerModels
import Testing

/// Secrets never show in `description`, `debugDescription`, string interpolation or `dump()`.
@Suite(.timeLimit(.minutes(5)))
struct RedactionTests {
    func texts(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped]
    }

    @Test func credentialsAndArgumentsAreRedacted() {
        let secret = "Never-Print-Me-42"
        let values: [Any] = [
            SecretServerClient.Credentials.password(username: "u", password: secret),
            SecretServerClient.Credentials.token(secret),
            SecretServerClient.Credentials.sdkClient(clientId: "c", clientSecret: secret),
            SecretServerClient.Configuration(baseURL: "https://x", credentials: .password(username: "u", password: secret)),
            NewUser(userName: "u", password: secret),
            UserChanges(id: 1, password: secret),
            SdkClientAccountModel(clientId: "c", clientSecret: secret, name: "n"),
            TokenResponse(accessToken: secret, expiresIn: 1, refreshToken: secret),
            RestSecretItem(itemValue: secret, fieldId: 7, slug: "password", isPassword: true),
        ]
        for value in values {
            for text in texts(value) { #expect(!text.contains(secret), "\(type(of: value)) shows the secret: \(text)") }
        }
    }
}
