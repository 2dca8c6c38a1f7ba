import HDF5

/// Something whose state is a flat dictionary of named tensors (every ``Optimizer``).
public protocol StateDictionaryConvertible: AnyObject {
    /// The state as name → tensor.
    func stateDictionary() -> [String: Tensor]
    /// Restores state from ``stateDictionary()``'s output.
    func loadStateDictionary(_ dictionary: [String: Tensor]) throws
}

extension Optimizer: StateDictionaryConvertible {}

/// Saves and loads module parameters and optimizer state as HDF5 files that h5py reads by name.
///
/// Layout (one group per named part; parameters keep their dotted names):
/// ```
/// /<part>/parameters/<parameter name>        float32, the parameter's shape
/// /<part>/optimizer/<parameter name>.<field> float32 (Adam: m, v, step)
/// ```
/// e.g. `f["critic/parameters/layers.0.weight"][...]` in h5py. Loading checks every name and
/// shape, and re-runs layer hooks such as ``SpectralNorm``'s power-iteration warm-up.
///
/// ```swift
/// try Checkpoint.save(to: "run/step1000.h5", parts: [
///     "actor": (actor, actorOptimizer), "critic": (critic, criticOptimizer)])
/// try Checkpoint.load(from: "run/step1000.h5", parts: ["actor": (actor, actorOptimizer), …])
/// ```
public enum Checkpoint {
    /// One saved part: a module and, optionally, its optimizer.
    public typealias Part = (module: Module, optimizer: (any StateDictionaryConvertible)?)

    /// Writes every part's parameters (and optimizer state) to a new file at `path`.
    /// - Throws: ``HDF5/HDF5Error`` when the file cannot be written.
    public static func save(to path: String, parts: [String: Part]) throws {
        let file = try HDF5File(path: path, mode: .create)
        for name in parts.keys.sorted() {
            let (module, optimizer) = parts[name]!
            let group = try file.root.createGroup(name)
            try write(module.parameterValues(), to: group.createGroup("parameters"))
            if let optimizer { try write(optimizer.stateDictionary(), to: group.createGroup("optimizer")) }
        }
        try file.flush()
    }

    /// Saves one module (and optimizer) under the part name `"model"`.
    public static func save(_ module: Module, optimizer: (any StateDictionaryConvertible)? = nil, to path: String) throws {
        try save(to: path, parts: ["model": (module, optimizer)])
    }

    /// Reads every part's parameters (and optimizer state) from `path` into the given objects.
    /// - Throws: ``CheckpointError`` for a missing parameter or a shape mismatch, ``HDF5/HDF5Error``
    ///   when the file cannot be read.
    public static func load(from path: String, parts: [String: Part]) throws {
        let file = try HDF5File(path: path)
        for name in parts.keys.sorted() {
            let (module, optimizer) = parts[name]!
            guard file.root.contains(name) else {
                throw CheckpointError(file: path, key: name, problem: "no such part; found \(try file.root.children())")
            }
            let group = try file.root.group(name)
            let parameters = try group.group("parameters")
            var values = [String: Tensor]()
            for p in module.namedParameters() {
                guard parameters.contains(p.name) else {
                    throw CheckpointError(file: path, key: "\(name)/parameters/\(p.name)", problem: "missing parameter")
                }
                let t = try parameters.dataset(p.name).readTensor()
                guard t.shape == p.variable.shape else {
                    throw CheckpointError(file: path, key: "\(name)/parameters/\(p.name)",
                                          problem: "expected shape \(p.variable.shape), found \(t.shape)")
                }
                values[p.name] = t
            }
            module.update(parameters: values)
            if let optimizer {
                var state = [String: Tensor]()
                if group.contains("optimizer") {
                    let g = try group.group("optimizer")
                    for key in try g.children() { state[key] = try g.dataset(key).readTensor() }
                }
                try optimizer.loadStateDictionary(state)
            }
        }
    }

    /// Loads a file written by ``save(_:optimizer:to:)``.
    public static func load(into module: Module, optimizer: (any StateDictionaryConvertible)? = nil, from path: String) throws {
        try load(from: path, parts: ["model": (module, optimizer)])
    }

    private static func write(_ tensors: [String: Tensor], to group: HDF5Group) throws {
        for key in tensors.keys.sorted() { try group.write(tensors[key]!, at: key) }
    }
}

/// A checkpoint does not fit the objects it is loaded into.
public struct CheckpointError: Error, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The HDF5 key concerned.
    public var key: String
    /// What is wrong (expected vs found).
    public var problem: String
    /// The file, key and problem in one line.
    public var description: String { "checkpoint \(file), key \(key): \(problem)" }
}
