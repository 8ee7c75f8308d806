import Foundation
import HermesCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a skill needs before it can be used, as Python's `skill_view` reports it: the
/// environment variables of `required_environment_variables`, `setup.collect_secrets` and the
/// legacy `prerequisites.env_vars` (set in `$HERMES_HOME/.env` or the process), and the files of
/// `required_credential_files` (under `$HERMES_HOME`).
struct SkillSetup {
    /// The result members from `required_environment_variables` to `readiness_status`, then
    /// `setup_help`, `gateway_setup_hint` and `setup_note` when there are.
    let members: [PythonJSON.Member]

    /// `GATEWAY_SECRET_CAPTURE_UNSUPPORTED_MESSAGE`.
    static let gatewayHint =
        "Secure secret entry is not supported over messaging. Load this skill in the local CLI to be prompted, or add the key to ~/.hermes/.env manually."

    init(document: SkillDocument, library: SkillsLibrary) {
        let required = Self.requiredVariables(document)
        let environment = Self.dotEnv(library.hermesHome + "/.env")
        func persisted(_ name: String) -> Bool {
            if let value = environment[name] { return !value.isEmpty }
            return getenv(name).map { $0.pointee != 0 } ?? false
        }
        let missing = required.filter { $0["optional"] == nil && !persisted($0["name"]?.string ?? "") }.compactMap { $0["name"]?.string }
        let interactive = getenv("HERMES_INTERACTIVE").map { ["1", "true", "yes", "on"].contains(String(cString: $0).lowercased()) } ?? false
        let gatewayHint = !missing.isEmpty && library.isGatewaySurface && !interactive ? Self.gatewayHint : nil
        let remaining = required.compactMap { entry -> String? in
            guard entry["optional"] == nil, let name = entry["name"]?.string else { return nil }
            return missing.contains(name) || !persisted(name) ? name : nil
        }
        let missingFiles = Self.missingCredentialFiles(document["required_credential_files"], home: library.hermesHome)
        let setupNeeded = !remaining.isEmpty || !missingFiles.isEmpty

        var members: [PythonJSON.Member] = [
            .init(key: "required_environment_variables", value: .array(required)),
            .init(key: "required_commands", value: []),
            .init(key: "missing_required_environment_variables", value: .strings(remaining)),
            .init(key: "missing_credential_files", value: .strings(missingFiles)),
            .init(key: "missing_required_commands", value: []),
            .init(key: "setup_needed", value: .bool(setupNeeded)),
            .init(key: "setup_skipped", value: false),
            .init(key: "readiness_status", value: setupNeeded ? "setup_needed" : "available"),
        ]
        let help = required.lazy.compactMap { $0["help"]?.string }.first
        if let help { members.append(.init(key: "setup_help", value: .string(help))) }
        if let gatewayHint { members.append(.init(key: "gateway_setup_hint", value: .string(gatewayHint))) }
        if setupNeeded {
            let items = remaining.map { "env $" + $0 } + missingFiles.map { "file " + $0 }
            var note = "Setup needed before using this skill: missing \(items.isEmpty ? "required prerequisites" : items.joined(separator: ", "))."
            if let help { note += " " + help }
            let backend = getenv("TERMINAL_ENV").map { PythonText.strip(String(cString: $0)).lowercased() } ?? "local"
            if ["docker", "singularity", "modal", "ssh", "daytona"].contains(backend) {
                note += " \(backend.uppercased())-backed skills need these requirements available inside the remote environment as well."
            }
            members.append(.init(key: "setup_note", value: .string(note)))
        }
        self.members = members
    }

    /// `_get_required_environment_variables`: each variable once, valid names only, in the order
    /// `required_environment_variables`, `setup.collect_secrets`, `prerequisites.env_vars`.
    static func requiredVariables(_ document: SkillDocument) -> [PythonJSON] {
        let setup = document["setup"].flatMap { value -> PythonJSON? in
            if case .object = value { return value }
            return nil
        }
        let setupHelp = setup?["help"]?.string.map { PythonText.strip($0) }.flatMap { $0.isEmpty ? nil : $0 }
        var required: [PythonJSON] = []
        var seen = Set<String>()
        func append(_ entry: PythonJSON) {
            let raw = [entry["name"], entry["env_var"]].compactMap { $0 }.first(where: \.isTruthy) ?? .string("")
            let name = PythonText.strip(raw.pythonString)
            guard !name.isEmpty, !seen.contains(name), isVariableName(name) else { return }
            let prompt = entry["prompt"].flatMap { $0.isTruthy ? $0.pythonString : nil } ?? "Enter value for \(name)"
            var members: [PythonJSON.Member] = [
                .init(key: "name", value: .string(name)), .init(key: "prompt", value: .string(PythonText.strip(prompt))),
            ]
            let help = [entry["help"], entry["provider_url"], entry["url"]].compactMap { $0 }.first(where: \.isTruthy)
            if let text = help?.string ?? (help == nil ? setupHelp : nil), !PythonText.strip(text).isEmpty {
                members.append(.init(key: "help", value: .string(PythonText.strip(text))))
            }
            if let requiredFor = entry["required_for"]?.string, !PythonText.strip(requiredFor).isEmpty {
                members.append(.init(key: "required_for", value: .string(PythonText.strip(requiredFor))))
            }
            if entry["optional"]?.isTruthy == true { members.append(.init(key: "optional", value: true)) }
            seen.insert(name)
            required.append(.object(members))
        }
        for item in listOfEntries(document["required_environment_variables"]) {
            switch item {
            case .string: append(.object(["name": item]))
            case .object: append(item)
            default: break
            }
        }
        for secret in listOfEntries(setup?["collect_secrets"]) {
            guard case .object = secret else { continue }
            let variable = PythonText.strip((secret["env_var"].flatMap { $0.isTruthy ? $0 : nil } ?? "").pythonString)
            guard !variable.isEmpty else { continue }
            let prompt = PythonText.strip(secret["prompt"].flatMap { $0.isTruthy ? $0.pythonString : nil } ?? "Enter value for \(variable)")
            let url = PythonText.strip(
                ([secret["provider_url"], secret["url"]].compactMap { $0 }.first(where: \.isTruthy) ?? "").pythonString)
            let help: PythonJSON = url.isEmpty ? (setupHelp.map(PythonJSON.string) ?? .null) : .string(url)
            append(.object(["name": .string(variable), "prompt": .string(prompt), "help": help]))
        }
        for variable in legacyVariables(document) { append(.object(["name": .string(variable)])) }
        return required
    }

    /// A list, a lone mapping as a list of one, anything else as none.
    private static func listOfEntries(_ value: PythonJSON?) -> [PythonJSON] {
        switch value {
        case .array(let items)?: items
        case .object?: [value!]
        default: []
        }
    }

    /// `prerequisites.env_vars`, normalised as Python's `_normalize_prerequisite_values`.
    private static func legacyVariables(_ document: SkillDocument) -> [String] {
        guard case .object? = document["prerequisites"], let value = document["prerequisites"]?["env_vars"], value.isTruthy else {
            return []
        }
        let items: [PythonJSON]
        switch value {
        case .array(let list): items = list
        case .object(let members): items = members.map { .string($0.key) }
        default: items = [value]
        }
        return items.map(\.pythonString).filter { !PythonText.strip($0).isEmpty }
    }

    /// `^[A-Za-z_][A-Za-z0-9_]*$`.
    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// `load_env()`: `$HERMES_HOME/.env` as Python's skills tool reads it (`KEY=value` lines,
    /// `export ` dropped, quotes stripped from the ends).
    static func dotEnv(_ path: String) -> [String: String] {
        guard let text = SkillFiles.readText(path) else { return [:] }
        var values: [String: String] = [:]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = PythonText.strip(String(raw))
            guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            if line.hasPrefix("export ") {
                line = String(line.dropFirst(7))
                guard line.contains("=") else { continue }
            }
            let split = line.firstIndex(of: "=") ?? equals
            let key = PythonText.strip(String(line[..<split]))
            let value = PythonText.strip(PythonText.strip(String(line[line.index(after: split)...])), characters: ["\"", "'"])
            values[key] = value
        }
        return values
    }

    /// `register_credential_files`: the listed paths (relative to `$HERMES_HOME`) that are not
    /// there, or are refused (absolute, or resolving outside the home).
    private static func missingCredentialFiles(_ value: PythonJSON?, home: String) -> [String] {
        guard case .array(let entries)? = value else { return [] }
        var missing: [String] = []
        for entry in entries {
            let path: String
            switch entry {
            case .string(let text): path = PythonText.strip(text)
            case .object:
                path = PythonText.strip(([entry["path"], entry["name"]].compactMap { $0 }.first(where: \.isTruthy) ?? "").pythonString)
            default: continue
            }
            guard !path.isEmpty else { continue }
            let host = SkillFiles.join(home, path)
            let present =
                !path.hasPrefix("/") && SkillsLibrary.escapeError(host, root: home) == nil && SkillFiles.isFile(host)
            if !present { missing.append(path) }
        }
        return missing
    }
}
