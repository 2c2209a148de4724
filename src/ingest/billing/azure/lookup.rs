//! What Azure's values mean in FOCUS terms: service categories of meter categories and resource
//! providers, region ids and names of resource locations, resource types of ARM resource ids,
//! and SKU price details from AdditionalInfo.

use std::collections::BTreeMap;

use polars::prelude::*;

fn text_null() -> Expr {
    lit(NULL).cast(DataType::String)
}

/// Maps `key` through `table` (pairs of key and value), else `default`.
fn lookup(key: Expr, table: &[(String, String)], default: Expr) -> Expr {
    let old: Vec<&str> = table.iter().map(|(k, _)| k.as_str()).collect();
    let new: Vec<&str> = table.iter().map(|(_, v)| v.as_str()).collect();
    key.replace_strict(
        lit(Series::new("".into(), old)),
        lit(Series::new("".into(), new)),
        Some(default),
        Some(DataType::String),
    )
}

/// Lower case without spaces, `_` and `-`: `East US 2` and `eastus2` have the same key.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .collect::<String>()
        .to_lowercase()
}

fn key_expr(e: Expr) -> Expr {
    e.str()
        .to_lowercase()
        .str()
        .replace_all(lit(r"[\s_\-]"), lit(""), false)
}

/// FOCUS ServiceCategory by Azure MeterCategory (as [`key`]s).
#[rustfmt::skip]
const METER_CATEGORIES: &[(&str, &[&str])] = &[
    ("Compute", &["virtualmachines", "virtualmachineslicenses", "cloudservices", "containerinstances", "containerapps", "azurecontainerapps", "containerregistry", "azurekubernetesservice", "functions", "batch", "azurevmwaresolution", "dedicatedhost", "azurespringapps", "virtualmachinescalesets"]),
    ("Storage", &["storage", "backup", "azurenetappfiles", "databox", "azuremanagedlustre", "azurefilesync", "storsimple"]),
    ("Networking", &["virtualnetwork", "bandwidth", "loadbalancer", "vpngateway", "applicationgateway", "azurefrontdoorservice", "azurefrontdoor", "contentdeliverynetwork", "azuredns", "dns", "expressroute", "networkwatcher", "azurefirewall", "azurebastion", "natgateway", "trafficmanager", "ipaddresses", "privatelink", "azureddosprotection", "virtualwan", "networking"]),
    ("Databases", &["sqldatabase", "sqlmanagedinstance", "azuredatabaseformysql", "azuredatabaseforpostgresql", "azuredatabaseformariadb", "azurecosmosdb", "rediscache", "azurecacheforredis", "sqlserver", "azuresqldatabase", "azuremanagedinstanceforapachecassandra"]),
    ("Analytics", &["hdinsight", "azuredatabricks", "azuresynapseanalytics", "sqldatawarehouse", "streamanalytics", "azuredataexplorer", "powerbiembedded", "azureanalysisservices", "datalakeanalytics", "microsoftfabric", "azurepurview", "microsoftpurview"]),
    ("AI and Machine Learning", &["cognitiveservices", "azuremachinelearning", "machinelearningstudio", "azureopenai", "azureaiservices", "azurecognitivesearch", "azureaisearch", "foundrymodels", "azureaifoundry"]),
    ("Management and Governance", &["loganalytics", "azuremonitor", "insightandanalytics", "automation", "azurearc", "applicationinsights", "azuresiterecovery", "azurepolicy", "azuremanagedgrafana", "azuremigrate"]),
    ("Security", &["advancedthreatprotection", "advanceddatasecurity", "microsoftdefenderforcloud", "securitycenter", "keyvault", "azuresentinel", "sentinel", "microsoftsentinel", "azureattestation", "azuredefender"]),
    ("Identity", &["azureactivedirectory", "microsoftentraid", "azureactivedirectoryb2c", "azureaddomainservices", "microsoftentradomainservices"]),
    ("Integration", &["azuredatafactoryv2", "azuredatafactory", "eventhubs", "servicebus", "logicapps", "apimanagement", "azureapimanagement", "eventgrid", "azurerelay"]),
    ("Internet of Things", &["iothub", "azureiothub", "iotcentral", "azuredigitaltwins", "timeseriesinsights", "azuremaps"]),
    ("Web", &["azureappservice", "appservice", "staticwebapps", "azurestaticwebapps", "signalr", "azuresignalrservice", "azurewebpubsub"]),
    ("Media", &["mediaservices", "azuremediaservices", "azurecommunicationservices"]),
    ("Developer Tools", &["visualstudio", "azuredevops", "azuredevtestlabs", "azurelabservices", "azureloadtesting", "azureappconfiguration"]),
    ("Migration", &["azuredatabasemigrationservice", "databasemigrationservice"]),
    ("Mobile", &["notificationhubs", "mobileservices"]),
];

/// FOCUS ServiceCategory by ARM resource provider (ConsumedService, lower case).
#[rustfmt::skip]
const PROVIDERS: &[(&str, &str)] = &[
    ("microsoft.compute", "Compute"), ("microsoft.containerservice", "Compute"),
    ("microsoft.containerinstance", "Compute"), ("microsoft.containerregistry", "Compute"),
    ("microsoft.app", "Compute"), ("microsoft.batch", "Compute"),
    ("microsoft.storage", "Storage"), ("microsoft.netapp", "Storage"),
    ("microsoft.recoveryservices", "Storage"),
    ("microsoft.network", "Networking"), ("microsoft.cdn", "Networking"),
    ("microsoft.sql", "Databases"), ("microsoft.dbformysql", "Databases"),
    ("microsoft.dbforpostgresql", "Databases"), ("microsoft.dbformariadb", "Databases"),
    ("microsoft.documentdb", "Databases"), ("microsoft.cache", "Databases"),
    ("microsoft.synapse", "Analytics"), ("microsoft.databricks", "Analytics"),
    ("microsoft.hdinsight", "Analytics"), ("microsoft.kusto", "Analytics"),
    ("microsoft.streamanalytics", "Analytics"),
    ("microsoft.cognitiveservices", "AI and Machine Learning"),
    ("microsoft.machinelearningservices", "AI and Machine Learning"),
    ("microsoft.search", "AI and Machine Learning"),
    ("microsoft.operationalinsights", "Management and Governance"),
    ("microsoft.insights", "Management and Governance"),
    ("microsoft.automation", "Management and Governance"),
    ("microsoft.keyvault", "Security"), ("microsoft.security", "Security"),
    ("microsoft.securityinsights", "Security"),
    ("microsoft.aad", "Identity"), ("microsoft.azureactivedirectory", "Identity"),
    ("microsoft.datafactory", "Integration"), ("microsoft.eventhub", "Integration"),
    ("microsoft.servicebus", "Integration"), ("microsoft.logic", "Integration"),
    ("microsoft.apimanagement", "Integration"), ("microsoft.eventgrid", "Integration"),
    ("microsoft.devices", "Internet of Things"),
    ("microsoft.web", "Web"), ("microsoft.signalrservice", "Web"),
    ("microsoft.media", "Media"), ("microsoft.communication", "Media"),
    ("microsoft.notificationhubs", "Mobile"),
];

/// FOCUS ServiceCategory from MeterCategory, else from ConsumedService's resource provider,
/// else `Other`.
pub fn service_category(meter_category: Option<Expr>, consumed_service: Option<Expr>) -> Expr {
    let mut meters = BTreeMap::new();
    for (category, keys) in METER_CATEGORIES {
        for k in *keys {
            meters
                .entry(k.to_string())
                .or_insert_with(|| category.to_string());
        }
    }
    let meters: Vec<(String, String)> = meters.into_iter().collect();
    let providers: Vec<(String, String)> = PROVIDERS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let by_provider = match consumed_service {
        Some(s) => lookup(s.str().to_lowercase(), &providers, lit("Other")).fill_null(lit("Other")),
        None => lit("Other"),
    };
    match meter_category {
        Some(m) => lookup(key_expr(m), &meters, text_null()).fill_null(by_provider),
        None => by_provider,
    }
}

/// Azure regions: id, display name, and older spellings (meter-region style `US East`).
#[rustfmt::skip]
const REGIONS: &[(&str, &str, &[&str])] = &[
    ("eastus", "East US", &["US East"]), ("eastus2", "East US 2", &["US East 2"]),
    ("centralus", "Central US", &["US Central"]),
    ("northcentralus", "North Central US", &["US North Central"]),
    ("southcentralus", "South Central US", &["US South Central"]),
    ("westcentralus", "West Central US", &["US West Central"]),
    ("westus", "West US", &["US West"]), ("westus2", "West US 2", &["US West 2"]),
    ("westus3", "West US 3", &["US West 3"]),
    ("canadacentral", "Canada Central", &["CA Central"]), ("canadaeast", "Canada East", &["CA East"]),
    ("brazilsouth", "Brazil South", &["BR South"]), ("brazilsoutheast", "Brazil Southeast", &["BR Southeast"]),
    ("mexicocentral", "Mexico Central", &[]),
    ("northeurope", "North Europe", &["EU North"]), ("westeurope", "West Europe", &["EU West"]),
    ("uksouth", "UK South", &[]), ("ukwest", "UK West", &[]),
    ("francecentral", "France Central", &["FR Central"]), ("francesouth", "France South", &["FR South"]),
    ("germanywestcentral", "Germany West Central", &["DE West Central"]),
    ("germanynorth", "Germany North", &["DE North"]),
    ("switzerlandnorth", "Switzerland North", &["CH North"]),
    ("switzerlandwest", "Switzerland West", &["CH West"]),
    ("norwayeast", "Norway East", &["NO East"]), ("norwaywest", "Norway West", &["NO West"]),
    ("swedencentral", "Sweden Central", &["SE Central"]), ("polandcentral", "Poland Central", &["PL Central"]),
    ("italynorth", "Italy North", &["IT North"]), ("spaincentral", "Spain Central", &["ES Central"]),
    ("eastasia", "East Asia", &["AP East"]), ("southeastasia", "Southeast Asia", &["AP Southeast"]),
    ("japaneast", "Japan East", &["JA East"]), ("japanwest", "Japan West", &["JA West"]),
    ("koreacentral", "Korea Central", &["KR Central"]), ("koreasouth", "Korea South", &["KR South"]),
    ("australiaeast", "Australia East", &["AU East"]),
    ("australiasoutheast", "Australia Southeast", &["AU Southeast"]),
    ("australiacentral", "Australia Central", &["AU Central"]),
    ("australiacentral2", "Australia Central 2", &["AU Central 2"]),
    ("newzealandnorth", "New Zealand North", &[]),
    ("centralindia", "Central India", &["IN Central"]), ("southindia", "South India", &["IN South"]),
    ("westindia", "West India", &["IN West"]),
    ("jioindiawest", "Jio India West", &[]), ("jioindiacentral", "Jio India Central", &[]),
    ("uaenorth", "UAE North", &["AE North"]), ("uaecentral", "UAE Central", &["AE Central"]),
    ("qatarcentral", "Qatar Central", &["QA Central"]), ("israelcentral", "Israel Central", &["IL Central"]),
    ("southafricanorth", "South Africa North", &["ZA North"]),
    ("southafricawest", "South Africa West", &["ZA West"]),
    ("usgovvirginia", "US Gov Virginia", &["USGov Virginia"]),
    ("usgovarizona", "US Gov Arizona", &["USGov Arizona"]), ("usgovtexas", "US Gov Texas", &["USGov Texas"]),
    ("chinaeast", "China East", &["CN East"]), ("chinaeast2", "China East 2", &["CN East 2"]),
    ("chinanorth", "China North", &["CN North"]), ("chinanorth2", "China North 2", &["CN North 2"]),
    ("chinanorth3", "China North 3", &["CN North 3"]),
];

/// Locations (as [`key`]s) that are not a region.
const NOT_A_REGION: &[&str] = &[
    "global",
    "unknown",
    "unassigned",
    "intercontinental",
    "allregions",
    "zone1",
    "zone2",
    "zone3",
];

/// RegionId and RegionName from ResourceLocation (`EastUS2`, `eastus2`, `US East 2`,
/// `East US 2`). Unknown locations keep their lower-cased, space-free spelling as id and their
/// own spelling as name; `global` and the like are no region (null).
pub fn region(location: Expr) -> (Expr, Expr) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (id, name, older) in REGIONS {
        for spelling in [*id, *name].iter().chain(older.iter()) {
            ids.entry(key(spelling)).or_insert_with(|| id.to_string());
        }
    }
    let ids: Vec<(String, String)> = ids.into_iter().collect();
    let names: Vec<(String, String)> = REGIONS
        .iter()
        .map(|(i, n, _)| (i.to_string(), n.to_string()))
        .collect();
    let k = key_expr(location.clone());
    let not_region = NOT_A_REGION
        .iter()
        .fold(k.clone().eq(lit("")), |acc, v| {
            acc.or(k.clone().eq(lit(*v)))
        })
        .fill_null(lit(false));
    let id = when(not_region.clone())
        .then(text_null())
        .otherwise(lookup(k.clone(), &ids, k));
    let name = when(not_region)
        .then(text_null())
        .otherwise(lookup(id.clone(), &names, location));
    (id, name)
}

/// `Microsoft.Compute/virtualMachineScaleSets` from an ARM resource id: the last provider's
/// namespace and the type segments after it (`servers/x/databases/y` gives
/// `servers/databases`).
pub fn resource_type(id: Expr) -> Expr {
    let namespace = id
        .clone()
        .str()
        .extract(lit(r"(?i)^.*/providers/([^/]+)/.+$"), 1);
    let types = id
        .str()
        .extract(lit(r"(?i)^.*/providers/[^/]+/(.+?)/?$"), 1)
        .str()
        .replace_all(lit(r"([^/]+)/[^/]+"), lit("$1"), false);
    concat_str([namespace, types], "/", false)
}

/// The last segment of an ARM resource id (null when it ends with `/`).
pub fn resource_name(id: Expr) -> Expr {
    id.str().extract(lit(r"([^/]+)$"), 1)
}

/// `{"ServiceType":"Standard_E4s_v3","VCPUs":4}` from Azure's AdditionalInfo (the VM size and
/// its vCPUs, when present), or null.
pub fn sku_price_details(info: Expr) -> Expr {
    let json = super::super::tags::canonical_json(info);
    let service_type = json
        .clone()
        .str()
        .json_path_match(lit("$.ServiceType"))
        .str()
        .replace_all(lit(r"\"), lit(r"\\"), true)
        .str()
        .replace_all(lit("\""), lit("\\\""), true);
    let vcpus = json.str().json_path_match(lit("$.VCPUs"));
    let vcpus = when(vcpus.clone().cast(DataType::Float64).is_not_null())
        .then(vcpus)
        .otherwise(text_null());
    let parts = concat_str(
        [
            concat_str(
                [lit("\"ServiceType\":\""), service_type, lit("\"")],
                "",
                false,
            ),
            concat_str([lit("\"VCPUs\":"), vcpus], "", false),
        ],
        ",",
        true,
    );
    when(parts.clone().eq(lit("")).or(parts.clone().is_null()))
        .then(text_null())
        .otherwise(concat_str([lit("{"), parts, lit("}")], "", false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(values: &[Option<&str>], f: impl Fn(Expr) -> Expr) -> Vec<Option<String>> {
        let df = df!("v" => values).unwrap();
        let out = df
            .lazy()
            .select([f(col("v")).alias("o")])
            .collect()
            .unwrap();
        out.column("o")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    fn some(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| Some(v.to_string())).collect()
    }

    #[test]
    fn locations_become_region_ids_and_names() {
        let input = [
            Some("EastUS2"),
            Some("US East"),
            Some("canadacentral"),
            Some("West Europe"),
            Some("global"),
            Some("Mars North"),
            None,
        ];
        let ids = run(&input, |e| region(e).0);
        assert_eq!(
            ids,
            vec![
                Some("eastus2".into()),
                Some("eastus".into()),
                Some("canadacentral".into()),
                Some("westeurope".into()),
                None,
                Some("marsnorth".into()),
                None
            ]
        );
        let names = run(&input, |e| region(e).1);
        assert_eq!(
            names,
            vec![
                Some("East US 2".into()),
                Some("East US".into()),
                Some("Canada Central".into()),
                Some("West Europe".into()),
                None,
                Some("Mars North".into()),
                None
            ]
        );
    }

    #[test]
    fn resource_ids_give_their_type_and_name() {
        let ids = [
            Some("/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachineScaleSets/aks-vmss"),
            Some("/subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/a/databases/b"),
            Some("/providers/Microsoft.Capacity/reservationOrders/o/reservations/"),
            Some("/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/V"),
        ];
        assert_eq!(
            run(&ids, resource_type),
            some(&[
                "Microsoft.Compute/virtualMachineScaleSets",
                "Microsoft.Sql/servers/databases",
                "Microsoft.Capacity/reservationOrders/reservations",
                "MICROSOFT.KEYVAULT/VAULTS"
            ])
        );
        assert_eq!(
            run(&ids, resource_name),
            vec![
                Some("aks-vmss".into()),
                Some("b".into()),
                None,
                Some("V".into())
            ]
        );
    }

    #[test]
    fn meter_categories_and_providers_give_service_categories() {
        let meters = [
            Some("Virtual Machines"),
            Some("Azure Database for MySQL"),
            Some("Log Analytics"),
            Some("Something New"),
            None,
        ];
        let providers = [
            "Microsoft.Compute",
            "Microsoft.DBforMySQL",
            "x",
            "Microsoft.Network",
            "Microsoft.Storage",
        ];
        let df = df!("m" => meters, "p" => providers).unwrap();
        let out = df
            .lazy()
            .select([service_category(Some(col("m")), Some(col("p"))).alias("o")])
            .collect()
            .unwrap();
        let got: Vec<Option<&str>> = out.column("o").unwrap().str().unwrap().iter().collect();
        assert_eq!(
            got,
            vec![
                Some("Compute"),
                Some("Databases"),
                Some("Management and Governance"),
                Some("Networking"),
                Some("Storage")
            ]
        );
    }

    #[test]
    fn additional_info_gives_sku_price_details() {
        let info = [
            Some(r#"{"ServiceType":"Standard_E4s_v3","VCPUs":4,"CPUs":0}"#),
            Some(r#"{"ServiceType":"SQLThreatDetection"}"#),
            Some(r#"{"AHB":"True","vCores":4}"#),
            Some(""),
            None,
        ];
        assert_eq!(
            run(&info, sku_price_details),
            vec![
                Some(r#"{"ServiceType":"Standard_E4s_v3","VCPUs":4}"#.into()),
                Some(r#"{"ServiceType":"SQLThreatDetection"}"#.into()),
                None,
                None,
                None
            ]
        );
    }
}
