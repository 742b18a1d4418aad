/// The environment `sesame run` gives its command: the resolved secrets it asked for, and nothing of Sesame's own
/// credentials unless kept on purpose.
struct ChildEnvironment {
    /// The variables that hold Sesame's own secrets (passwords, tokens, keys). They sign Sesame in; a child that
    /// inherits them can read everything the user can, so `run` removes them unless `--keep-env` names one.
    static let sesameSecrets: Set<String> = [
        "SESAME_PASSWORD", "SESAME_TOKEN", "SESAME_EXPORT_PASSPHRASE", "SESAME_SERVER_KEY", "SESAME_ADMIN_PASSWORD",
        "SESAME_CLIENT_SECRET", "SESAME_DOUBLE_LOCK_PASSWORD", "SESAME_SESSION_PASSPHRASE", "SESAME_OTP",
        "SESAME_PLATFORM_CLIENT_SECRET", "SESAME_PROXY_PASSWORD", "SESAME_ONBOARDING_KEY", "SESAME_AWS_MFA_CODE",
        "SESAME_AGENT_TOKEN",
    ]

    /// What `--pristine` keeps of the environment: where programs are, whose home, the locale and the terminal.
    static func isBasic(_ name: String) -> Bool {
        ["PATH", "HOME", "LANG", "TERM"].contains(name) || name.hasPrefix("LC_")
    }

    /// The variables the user named with `--keep-env`.
    var kept: Set<String> = []
    /// Start from an empty environment plus the basic variables (`--pristine`).
    var pristine = false

    /// The child's environment before its references are resolved: `inherited` (the process's own) filtered, then
    /// `added` (from `--env-file`), which wins. With `pristine`, inherited variables whose value `isReference` are
    /// kept, to be resolved.
    func make(inherited: [String: String], added: [String: String], isReference: (String) -> Bool) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in inherited {
            if kept.contains(name) {
                result[name] = value
            } else if Self.sesameSecrets.contains(name) {
                continue
            } else if pristine {
                if Self.isBasic(name) || isReference(value) { result[name] = value }
            } else {
                result[name] = value
            }
        }
        for (name, value) in added where kept.contains(name) || !Self.sesameSecrets.contains(name) { result[name] = value }
        return result
    }

    /// What `env://` references may read: every variable but sesame's own secrets (unless kept), so a reference
    /// (`LEAK=env://SESAME_PASSWORD`) cannot bring back what was removed; `--pristine` hides the others from the
    /// child, not from its references.
    func readable(inherited: [String: String], added: [String: String]) -> [String: String] {
        var result = inherited.filter { kept.contains($0.key) || !Self.sesameSecrets.contains($0.key) }
        for (name, value) in added where kept.contains(name) || !Self.sesameSecrets.contains(name) { result[name] = value }
        return result
    }
}
