/// The Python project's secret patterns (`agent/redact.py`, hermes-agent 0.19.0), in its order.
extension Redactor {
    /// Known key prefixes and what follows them.
    static let prefixPatterns = [
        #"sk-[A-Za-z0-9_-]{10,}"#, #"ghp_[A-Za-z0-9]{10,}"#, #"github_pat_[A-Za-z0-9_]{10,}"#, #"gho_[A-Za-z0-9]{10,}"#,
        #"ghu_[A-Za-z0-9]{10,}"#, #"ghs_[A-Za-z0-9]{10,}"#, #"ghr_[A-Za-z0-9]{10,}"#, #"xapp-\d+-[A-Za-z0-9-]{10,}"#,
        #"xox[baprs]-[A-Za-z0-9-]{10,}"#, #"AIza[A-Za-z0-9_-]{30,}"#, #"pplx-[A-Za-z0-9]{10,}"#, #"fal_[A-Za-z0-9_-]{10,}"#,
        #"fc-[A-Za-z0-9]{10,}"#, #"bb_live_[A-Za-z0-9_-]{10,}"#, #"gAAAA[A-Za-z0-9_=-]{20,}"#, #"AKIA[A-Z0-9]{16}"#,
        #"sk_live_[A-Za-z0-9]{10,}"#, #"sk_test_[A-Za-z0-9]{10,}"#, #"rk_live_[A-Za-z0-9]{10,}"#, #"SG\.[A-Za-z0-9_-]{10,}"#,
        #"hf_[A-Za-z0-9]{10,}"#, #"r8_[A-Za-z0-9]{10,}"#, #"npm_[A-Za-z0-9]{10,}"#, #"pypi-[A-Za-z0-9_-]{10,}"#,
        #"dop_v1_[A-Za-z0-9]{10,}"#, #"doo_v1_[A-Za-z0-9]{10,}"#, #"am_[A-Za-z0-9_-]{10,}"#, #"sk_[A-Za-z0-9_]{10,}"#,
        #"tvly-[A-Za-z0-9]{10,}"#, #"exa_[A-Za-z0-9]{10,}"#, #"gsk_[A-Za-z0-9]{10,}"#, #"syt_[A-Za-z0-9]{10,}"#,
        #"retaindb_[A-Za-z0-9]{10,}"#, #"hsk-[A-Za-z0-9]{10,}"#, #"mem0_[A-Za-z0-9]{10,}"#, #"brv_[A-Za-z0-9]{10,}"#,
        #"xai-[A-Za-z0-9]{30,}"#, #"ntn_[A-Za-z0-9]{10,}"#, #"fw-[A-Za-z0-9]{30,}"#, #"fw_[A-Za-z0-9]{30,}"#,
        #"fpk_[A-Za-z0-9]{30,}"#,
    ]

    /// Each prefix's leading literal: a text with none of them cannot hold a prefixed key.
    static let prefixLiterals: [String] = prefixPatterns.map { pattern in
        String(pattern.prefix { !"[(\\.?*+|{^$".contains($0) })
    }

    static let prefixed = Pattern(
        #"(?<![A-Za-z0-9_-])("# + prefixPatterns.joined(separator: "|") + #")(?![A-Za-z0-9_-])"#, dotAll: false, ignoringCase: false)

    static let secretEnvironmentNames = #"(?:API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)"#
    static let environmentAssignment = Pattern(
        #"([A-Z0-9_]{0,50}"# + secretEnvironmentNames + #"[A-Z0-9_]{0,50})\s*=\s*(['"]?)(\S+)\2"#, dotAll: false,
        ignoringCase: false)

    static let secretConfigNames = #"(?:api[ _.\-]?key|token|secret|passwd|password|credential|auth)"#
    static let configValue = #"(['"]?)([^\s&]+?)\2(?=[\s&]|$)"#
    /// A value that looks up a variable (`os.getenv(…)`) names it; it is code, not a secret.
    static let environmentLookup = Pattern(#"^(?:os\.(?:getenv|environ)|process\.env|\$ENV\{)"#, dotAll: false, ignoringCase: false)
    static let dottedConfig = Pattern(
        #"((?:[A-Za-z0-9_\-]+\.)+[A-Za-z0-9_.\-]*"# + secretConfigNames + #"[A-Za-z0-9_.\-]*|[A-Za-z0-9_.\-]*"# + secretConfigNames
            + #"[A-Za-z0-9_.\-]*\.[A-Za-z0-9_.\-]+)="# + configValue, dotAll: false)
    static let anchoredConfig = Pattern(
        #"(?m)(^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_\-]*"# + secretConfigNames + #"[A-Za-z0-9_\-]*)="# + configValue, dotAll: false)

    static let yamlConfigNames = #"(?:api[ _.\-]?key|token|secret|passwd|password|credential)"#
    static let yamlField = Pattern(
        #"(?m)(^[ \t]*[A-Za-z0-9_.\-]*"# + yamlConfigNames + #"[A-Za-z0-9_.\-]*)(:[ \t]*)(?!['"])([^\s&]+)"#, dotAll: false)

    static let jsonKeyNames =
        #"(?:api_?[Kk]ey|token|secret|password|access_token|refresh_token|auth_token|bearer|secret_value|raw_secret|secret_input|key_material)"#
    static let jsonField = Pattern(#"(""# + jsonKeyNames + #"")\s*:\s*"([^"]+)""#, dotAll: false)

    static let authorizationHeader = Pattern(#"((?:Proxy-)?Authorization:\s*)([A-Za-z][\w.+-]*\s+)?([^\s"']+)"#, dotAll: false)
    static let secretHeader = Pattern(
        #"((?:x-api-key|x-goog-api-key|api-key|apikey|x-api-token|x-auth-token|x-access-token)\s*:\s*)(\S+)"#, dotAll: false)
    static let telegramToken = Pattern(#"(bot)?(\d{8,}):([-A-Za-z0-9_]{30,})"#, dotAll: false, ignoringCase: false)
    static let privateKey = Pattern(
        #"-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?-----END[A-Z ]*PRIVATE KEY-----"#, dotAll: false, ignoringCase: false)
    static let databaseURL = Pattern(#"((?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqp)://[^:\s]+:)([^@\s]+)(@)"#, dotAll: false)
    static let bareTokenURL = Pattern(#"((?:https?|wss?|git|ssh|ftp|ftps|sftp)://)([^\s:@/]{8,})(@[^\s]+)"#, dotAll: false)
    static let jwt = Pattern(#"eyJ[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_=-]{4,}){0,2}"#, dotAll: false, ignoringCase: false)
    static let formBody = Pattern(
        #"^[A-Za-z_][A-Za-z0-9_.-]*=[^&\s]*(?:&[A-Za-z_][A-Za-z0-9_.-]*=[^&\s]*)+$"#, dotAll: false, ignoringCase: false)
    static let phone = Pattern(#"(\+[1-9]\d{6,14})(?![A-Za-z0-9])"#, dotAll: false, ignoringCase: false)

    static let sensitiveParameters: Set<String> = [
        "access_token", "refresh_token", "id_token", "token", "api_key", "apikey", "client_secret", "password", "auth", "jwt",
        "session", "secret", "key", "code", "signature", "x-amz-signature",
    ]
}
