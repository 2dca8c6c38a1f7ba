/// `hopper-medium-v2`, `hopper-medium-orl`, `.../hopper_medium-v2.hdf5` → `hopper-medium`: the key
/// of the per-task tables.
public func taskKey(_ dataset: String) -> String {
    var name = dataset.split(separator: "/").last.map(String.init) ?? dataset
    name = name.lowercased().replacingOccurrences(of: "_", with: "-")
    for ext in [".hdf5", ".h5"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
    var parts = name.split(separator: "-").map(String.init)
    if let last = parts.last, parts.count > 1,
       last == "orl" || (last.hasPrefix("v") && last.dropFirst().allSatisfy(\.isNumber) && last.count > 1) {
        parts.removeLast()
    }
    return parts.joined(separator: "-")
}
