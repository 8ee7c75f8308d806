/// The version of this runtime, printed by `hermes --version` and recorded in reports.
public enum HermesVersion {
    /// Semantic version of the package.
    public static let current = "0.1.0"
}
