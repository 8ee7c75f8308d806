/// Secrets for gateways that tests start: long enough for the startup checks, never used
/// outside loopback.
public enum TestKeys {
    /// The API server's bearer key (`API_SERVER_KEY`).
    public static let apiServer = "test-api-server-key-0123456789abcdef"
    /// `Authorization` with `apiServer`.
    public static let authorization = "Bearer \(apiServer)"
}
