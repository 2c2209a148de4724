//! One test per catalog format, on small files written here in each format's documented shape;
//! every number is checked exactly against the file.

use super::*;
use std::path::PathBuf;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn offer(it: &Instance, kind: OfferKind, years: u8, payment: Payment) -> &Offer {
    it.offers
        .iter()
        .find(|o| o.kind == kind && o.term_years == years && o.payment == payment)
        .unwrap_or_else(|| panic!("{kind:?} {years} {payment:?} missing in {:?}", it.offers))
}

const AWS_JSON: &str = r#"{
  "formatVersion": "v1.0", "offerCode": "AmazonEC2", "version": "20250301000000",
  "publicationDate": "2025-03-01T00:00:00Z",
  "products": {
    "SKU1": {"sku": "SKU1", "productFamily": "Compute Instance", "attributes": {
      "instanceType": "m6i.xlarge", "vcpu": "4", "memory": "16 GiB", "regionCode": "us-east-1",
      "operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
      "capacitystatus": "Used", "operation": "RunInstances",
      "physicalProcessor": "Intel Xeon 8375C (Ice Lake)", "processorArchitecture": "64-bit"}},
    "SKU2": {"sku": "SKU2", "productFamily": "Compute Instance", "attributes": {
      "instanceType": "m6i.xlarge", "vcpu": "4", "memory": "16 GiB", "regionCode": "us-east-1",
      "operatingSystem": "Windows", "tenancy": "Shared", "preInstalledSw": "NA",
      "capacitystatus": "Used", "operation": "RunInstances:0002"}},
    "SKU3": {"sku": "SKU3", "productFamily": "Compute Instance", "attributes": {
      "instanceType": "m7g.large", "vcpu": "2", "memory": "8 GiB", "regionCode": "us-east-1",
      "operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
      "capacitystatus": "Used", "operation": "RunInstances",
      "physicalProcessor": "AWS Graviton3", "processorArchitecture": "64-bit"}},
    "SKU4": {"sku": "SKU4", "productFamily": "Storage", "attributes": {"volumeType": "gp3"}}
  },
  "terms": {
    "OnDemand": {
      "SKU1": {"SKU1.JRTCKXETXF": {"offerTermCode": "JRTCKXETXF", "sku": "SKU1",
        "priceDimensions": {"SKU1.JRTCKXETXF.6YS6EN2CT7": {"unit": "Hrs",
          "pricePerUnit": {"USD": "0.1920000000"}}}, "termAttributes": {}}},
      "SKU2": {"SKU2.JRTCKXETXF": {"priceDimensions": {"SKU2.JRTCKXETXF.6YS6EN2CT7": {
          "unit": "Hrs", "pricePerUnit": {"USD": "0.3760000000"}}}, "termAttributes": {}}},
      "SKU3": {"SKU3.JRTCKXETXF": {"priceDimensions": {"SKU3.JRTCKXETXF.6YS6EN2CT7": {
          "unit": "Hrs", "pricePerUnit": {"USD": "0.0816000000"}}}, "termAttributes": {}}}
    },
    "Reserved": {
      "SKU1": {
        "SKU1.38NPMPTW36": {"offerTermCode": "38NPMPTW36", "priceDimensions": {
          "SKU1.38NPMPTW36.2TG2D8R56U": {"unit": "Quantity", "description": "Upfront Fee",
            "pricePerUnit": {"USD": "1035"}},
          "SKU1.38NPMPTW36.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": "0.0000000000"}}},
          "termAttributes": {"LeaseContractLength": "1yr", "OfferingClass": "standard",
            "PurchaseOption": "All Upfront"}},
        "SKU1.4NA7Y494T4": {"offerTermCode": "4NA7Y494T4", "priceDimensions": {
          "SKU1.4NA7Y494T4.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": "0.1210000000"}}},
          "termAttributes": {"LeaseContractLength": "1yr", "OfferingClass": "standard",
            "PurchaseOption": "No Upfront"}},
        "SKU1.R5XV2EPZQZ": {"offerTermCode": "R5XV2EPZQZ", "priceDimensions": {
          "SKU1.R5XV2EPZQZ.2TG2D8R56U": {"unit": "Quantity", "pricePerUnit": {"USD": "1398"}},
          "SKU1.R5XV2EPZQZ.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": "0.0530000000"}}},
          "termAttributes": {"LeaseContractLength": "3yr", "OfferingClass": "convertible",
            "PurchaseOption": "Partial Upfront"}}
      }
    }
  }
}"#;

#[test]
fn aws_offer_file_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "ec2.json", AWS_JSON);
    let catalog = load_catalog(&path).unwrap();
    assert_eq!(catalog.instances.len(), 2, "{}", catalog.source);
    let m6i = catalog
        .find(Provider::Aws, "us-east-1", "m6i.xlarge")
        .unwrap();
    assert_eq!(
        (m6i.vcpu, m6i.memory_gib, m6i.on_demand_hourly),
        (4.0, 16.0, 0.192)
    );
    assert_eq!((m6i.family.as_str(), m6i.generation), ("m6i", Some(6)));
    let au = offer(m6i, OfferKind::ReservedStandard, 1, Payment::AllUpfront);
    assert_eq!((au.upfront, au.hourly), (1035.0, 0.0));
    let nu = offer(m6i, OfferKind::ReservedStandard, 1, Payment::NoUpfront);
    assert_eq!((nu.upfront, nu.hourly), (0.0, 0.121));
    let pu = offer(
        m6i,
        OfferKind::ReservedConvertible,
        3,
        Payment::PartialUpfront,
    );
    assert_eq!((pu.upfront, pu.hourly), (1398.0, 0.053));
    let m7g = catalog
        .find(Provider::Aws, "us-east-1", "m7g.large")
        .unwrap();
    assert_eq!(m7g.architecture, Architecture::Arm64);
    assert!(
        catalog.source.contains("skipped 2 products"),
        "{}",
        catalog.source
    );
    assert!(catalog.source.contains("2025-03-01"), "{}", catalog.source);
}

#[test]
fn aws_offer_file_json_bad_memory_names_the_product() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "ec2.json",
        &AWS_JSON.replacen("\"16 GiB\"", "\"lots\"", 1),
    );
    let message = load_catalog(&path).unwrap_err().to_string();
    assert!(
        message.contains("products.SKU1") && message.contains("'lots'"),
        "{message}"
    );
}

#[test]
fn aws_offer_file_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\"FormatVersion\",\"v1.0\"\n\
\"Disclaimer\",\"This pricing list is for informational purposes only.\"\n\
\"Publication Date\",\"2025-03-01T00:00:00Z\"\n\
\"Version\",\"20250301000000\"\n\
\"OfferCode\",\"AmazonEC2\"\n\
\"SKU\",\"OfferTermCode\",\"RateCode\",\"TermType\",\"PriceDescription\",\"EffectiveDate\",\"StartingRange\",\"EndingRange\",\"Unit\",\"PricePerUnit\",\"Currency\",\"LeaseContractLength\",\"PurchaseOption\",\"OfferingClass\",\"Product Family\",\"serviceCode\",\"Location\",\"Location Type\",\"Instance Type\",\"vCPU\",\"Memory\",\"Physical Processor\",\"Tenancy\",\"Operating System\",\"Pre Installed S/W\",\"CapacityStatus\",\"operation\",\"Region Code\"\n\
\"SKU1\",\"JRTCKXETXF\",\"SKU1.JRTCKXETXF.6YS6EN2CT7\",\"OnDemand\",\"$0.096 per On Demand Linux c6i.xlarge\",\"2025-03-01\",\"0\",\"Inf\",\"Hrs\",\"0.1700000000\",\"USD\",\"\",\"\",\"\",\"Compute Instance\",\"AmazonEC2\",\"US East (N. Virginia)\",\"AWS Region\",\"c6i.xlarge\",\"4\",\"8 GiB\",\"Intel Xeon 8375C\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"RunInstances\",\"us-east-1\"\n\
\"SKU1\",\"6QCMYABX3D\",\"SKU1.6QCMYABX3D.2TG2D8R56U\",\"Reserved\",\"Upfront Fee\",\"2025-03-01\",\"0\",\"Inf\",\"Quantity\",\"2280\",\"USD\",\"3yr\",\"All Upfront\",\"standard\",\"Compute Instance\",\"AmazonEC2\",\"US East (N. Virginia)\",\"AWS Region\",\"c6i.xlarge\",\"4\",\"8 GiB\",\"Intel Xeon 8375C\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"RunInstances\",\"us-east-1\"\n\
\"SKU1\",\"6QCMYABX3D\",\"SKU1.6QCMYABX3D.6YS6EN2CT7\",\"Reserved\",\"Linux/UNIX (Amazon VPC), c6i.xlarge reserved instance applied\",\"2025-03-01\",\"0\",\"Inf\",\"Hrs\",\"0.0000000000\",\"USD\",\"3yr\",\"All Upfront\",\"standard\",\"Compute Instance\",\"AmazonEC2\",\"US East (N. Virginia)\",\"AWS Region\",\"c6i.xlarge\",\"4\",\"8 GiB\",\"Intel Xeon 8375C\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"RunInstances\",\"us-east-1\"\n\
\"SKU2\",\"JRTCKXETXF\",\"SKU2.JRTCKXETXF.6YS6EN2CT7\",\"OnDemand\",\"dedicated\",\"2025-03-01\",\"0\",\"Inf\",\"Hrs\",\"0.1870000000\",\"USD\",\"\",\"\",\"\",\"Compute Instance\",\"AmazonEC2\",\"US East (N. Virginia)\",\"AWS Region\",\"c6i.xlarge\",\"4\",\"8 GiB\",\"Intel Xeon 8375C\",\"Dedicated\",\"Linux\",\"NA\",\"Used\",\"RunInstances\",\"us-east-1\"\n";
    let path = write(&dir, "ec2.csv", text);
    let catalog = load_catalog(&path).unwrap();
    assert_eq!(catalog.instances.len(), 1, "{}", catalog.source);
    let c6i = &catalog.instances[0];
    assert_eq!(
        (
            c6i.instance_type.as_str(),
            c6i.vcpu,
            c6i.memory_gib,
            c6i.on_demand_hourly
        ),
        ("c6i.xlarge", 4.0, 8.0, 0.17)
    );
    let au = offer(c6i, OfferKind::ReservedStandard, 3, Payment::AllUpfront);
    assert_eq!((au.upfront, au.hourly), (2280.0, 0.0));
    // A bad number names the row (1-based data row after the header) and the value.
    let bad = text.replace("\"0.1700000000\"", "\"abc\"");
    let path = write(&dir, "bad.csv", &bad);
    let message = load_catalog(&path).unwrap_err().to_string();
    assert!(
        message.contains("row 1") && message.contains("'abc'"),
        "{message}"
    );
}

#[test]
fn aws_savings_plans_file_adds_offers() {
    let dir = tempfile::tempdir().unwrap();
    let ec2 = write(&dir, "ec2.json", AWS_JSON);
    let plans = r#"{"version": "20250301", "publicationDate": "2025-03-01T00:00:00Z",
      "regionCode": "us-east-1",
      "products": [
        {"sku": "CSP1", "productFamily": "ComputeSavingsPlans", "serviceCode": "ComputeSavingsPlans",
         "attributes": {"purchaseOption": "No Upfront", "purchaseTerm": "1yr", "granularity": "hourly"}},
        {"sku": "ISP3", "productFamily": "EC2 Instance Savings Plans",
         "attributes": {"purchaseOption": "All Upfront", "purchaseTerm": "3yr", "instanceType": "m6i"}}
      ],
      "terms": {"savingsPlan": [
        {"sku": "CSP1", "description": "1 year No Upfront Compute Savings Plan",
         "leaseContractLength": {"duration": 1, "unit": "year"},
         "rates": [
           {"discountedSku": "SKU1", "discountedUsageType": "BoxUsage:m6i.xlarge",
            "discountedOperation": "RunInstances", "discountedServiceCode": "AmazonEC2",
            "unit": "Hrs", "discountedRate": {"price": "0.1370", "currency": "USD"},
            "discountedRegionCode": "us-east-1", "discountedInstanceType": "m6i.xlarge"},
           {"discountedSku": "SKU2", "discountedUsageType": "BoxUsage:m6i.xlarge",
            "discountedOperation": "RunInstances:0002", "unit": "Hrs",
            "discountedRate": {"price": "0.3210", "currency": "USD"}},
           {"discountedSku": "F1", "discountedUsageType": "USE1-Fargate-vCPU-Hours:perCPU",
            "discountedOperation": "", "unit": "Hrs",
            "discountedRate": {"price": "0.0320", "currency": "USD"}}
         ]},
        {"sku": "ISP3", "leaseContractLength": {"duration": 3, "unit": "year"},
         "rates": [
           {"discountedUsageType": "USE1-BoxUsage:m6i.xlarge", "discountedOperation": "RunInstances",
            "unit": "Hrs", "discountedRate": {"price": "0.0760", "currency": "USD"}}
         ]}
      ]}}"#;
    let plans = write(&dir, "savings.json", plans);
    let rates = aws_savings_plans::load_savings_plans(&plans).unwrap();
    assert_eq!((rates.rates.len(), rates.skipped), (2, 2));
    let catalog = load_catalogs(&[ec2, plans.clone()]).unwrap();
    let m6i = catalog
        .find(Provider::Aws, "us-east-1", "m6i.xlarge")
        .unwrap();
    let compute = offer(m6i, OfferKind::SavingsPlanCompute, 1, Payment::NoUpfront);
    assert_eq!((compute.upfront, compute.hourly), (0.0, 0.137));
    let instance = offer(
        m6i,
        OfferKind::SavingsPlanEc2Instance,
        3,
        Payment::AllUpfront,
    );
    assert_eq!(instance.upfront, 0.076 * 26280.0);
    assert_eq!(instance.hourly, 0.0);
    // Alone, a savings plans file has no instance to attach to: a clear error.
    let message = load_catalog(&plans).unwrap_err().to_string();
    assert!(message.contains("only discounted rates"), "{message}");
}

#[test]
fn azure_retail_prices_page() {
    let dir = tempfile::tempdir().unwrap();
    let item = |sku: &str, region: &str, price: f64, kind: &str, term: &str, product: &str| {
        format!(
            r#"{{"currencyCode": "USD", "tierMinimumUnits": 0.0, "retailPrice": {price},
              "unitPrice": {price}, "armRegionName": "{region}", "location": "US East",
              "meterName": "{meter}", "productName": "{product}", "skuName": "{meter}",
              "serviceName": "Virtual Machines", "serviceFamily": "Compute",
              "unitOfMeasure": "1 Hour", "type": "{kind}", "reservationTerm": "{term}",
              "isPrimaryMeterRegion": true, "armSkuName": "{sku}"}}"#,
            meter = sku.trim_start_matches("Standard_").replace('_', " ")
        )
    };
    let items = [
        item(
            "Standard_D4s_v5",
            "eastus",
            0.192,
            "Consumption",
            "",
            "Virtual Machines Dsv5 Series",
        ),
        item(
            "Standard_D4s_v5",
            "eastus",
            0.376,
            "Consumption",
            "",
            "Virtual Machines Dsv5 Series Windows",
        ),
        item(
            "Standard_D4s_v5",
            "eastus",
            1038.0,
            "Reservation",
            "1 Year",
            "Virtual Machines Dsv5 Series",
        ),
        item(
            "Standard_D4s_v5",
            "eastus",
            1994.0,
            "Reservation",
            "3 Years",
            "Virtual Machines Dsv5 Series",
        ),
        item(
            "Standard_D4s_v5",
            "eastus",
            0.115,
            "DevTestConsumption",
            "",
            "Virtual Machines Dsv5 Series",
        ),
        item(
            "Standard_E8as_v5",
            "westeurope",
            0.581,
            "Consumption",
            "",
            "Virtual Machines Easv5 Series",
        ),
        item(
            "Standard_M416ms_v2",
            "eastus",
            109.0,
            "Consumption",
            "",
            "Virtual Machines MSv2 Series",
        ),
    ];
    let page = format!(
        r#"{{"BillingCurrency": "USD", "CustomerEntityId": "Default", "CustomerEntityType": "Retail",
          "Items": [{}], "NextPageLink": "https://prices.azure.com/api/retail/prices?$skip=100",
          "Count": {}}}"#,
        items.join(","),
        items.len()
    );
    let path = write(&dir, "azure.json", &page);
    let catalog = load_catalog(&path).unwrap();
    assert_eq!(catalog.instances.len(), 2, "{}", catalog.source);
    let d4 = catalog
        .find(Provider::Azure, "eastus", "Standard_D4s_v5")
        .unwrap();
    assert_eq!(
        (d4.vcpu, d4.memory_gib, d4.on_demand_hourly),
        (4.0, 16.0, 0.192)
    );
    assert_eq!((d4.family.as_str(), d4.generation), ("Dsv5", Some(5)));
    let one = offer(d4, OfferKind::AzureReservation, 1, Payment::AllUpfront);
    assert_eq!((one.upfront, one.hourly), (1038.0, 0.0));
    let three = offer(d4, OfferKind::AzureReservation, 3, Payment::NoUpfront);
    assert_eq!((three.upfront, three.hourly), (0.0, 1994.0 / 26280.0));
    let e8 = catalog
        .find(Provider::Azure, "westeurope", "Standard_E8as_v5")
        .unwrap();
    assert_eq!((e8.vcpu, e8.memory_gib), (8.0, 64.0));
    assert!(
        catalog.source.contains("1 sizes without a known"),
        "{}",
        catalog.source
    );
}

#[test]
fn gcp_billing_catalog_skus() {
    let dir = tempfile::tempdir().unwrap();
    let sku = |description: &str, group: &str, usage: &str, unit: &str, units: &str, nanos: i64| {
        format!(
            r#"{{"name": "services/6F81-5844-456A/skus/X", "skuId": "X",
              "description": "{description}",
              "category": {{"serviceDisplayName": "Compute Engine", "resourceFamily": "Compute",
                "resourceGroup": "{group}", "usageType": "{usage}"}},
              "serviceRegions": ["us-central1"],
              "pricingInfo": [{{"effectiveTime": "2025-03-01T00:00:00Z", "pricingExpression": {{
                "usageUnit": "{unit}", "displayQuantity": 1,
                "tieredRates": [{{"startUsageAmount": 0, "unitPrice": {{"currencyCode": "USD",
                  "units": "{units}", "nanos": {nanos}}}}}]}}}}],
              "serviceProviderName": "Google"}}"#
        )
    };
    let skus = [
        sku(
            "N2 Instance Core running in Americas",
            "CPU",
            "OnDemand",
            "h",
            "0",
            31_611_000,
        ),
        sku(
            "N2 Instance Ram running in Americas",
            "RAM",
            "OnDemand",
            "GiBy.h",
            "0",
            4_237_000,
        ),
        sku(
            "Commitment v1: N2 Cpu in Americas for 1 Year",
            "CPU",
            "Commit1Yr",
            "h",
            "0",
            19_915_000,
        ),
        sku(
            "Commitment v1: N2 Ram in Americas for 1 Year",
            "RAM",
            "Commit1Yr",
            "GiBy.h",
            "0",
            2_669_000,
        ),
        sku(
            "Spot Preemptible N2 Instance Core running in Americas",
            "CPU",
            "Preemptible",
            "h",
            "0",
            7_000_000,
        ),
        sku(
            "N2 Custom Instance Core running in Americas",
            "CPU",
            "OnDemand",
            "h",
            "0",
            33_191_000,
        ),
        sku(
            "E2 Instance Ram running in Americas",
            "RAM",
            "OnDemand",
            "GiBy.mo",
            "0",
            2_923_530,
        ),
    ];
    let text = format!(r#"{{"skus": [{}], "nextPageToken": ""}}"#, skus.join(","));
    let path = write(&dir, "gcp.json", &text);
    let catalog = load_catalog(&path).unwrap();
    let n2 = catalog
        .find(Provider::Gcp, "us-central1", "n2-standard-4")
        .unwrap();
    assert_eq!((n2.vcpu, n2.memory_gib), (4.0, 16.0));
    // 4 x 0.031611 + 16 x 0.004237 = 0.194236 (Google's list price for n2-standard-4).
    assert!(
        (n2.on_demand_hourly - 0.194236).abs() < 1e-12,
        "{}",
        n2.on_demand_hourly
    );
    let cud = offer(n2, OfferKind::GcpCommittedUse, 1, Payment::NoUpfront);
    assert!((cud.hourly - (4.0 * 0.019915 + 16.0 * 0.002669)).abs() < 1e-12);
    assert!(n2.offers.iter().all(|o| o.term_years == 1));
    let highmem = catalog
        .find(Provider::Gcp, "us-central1", "n2-highmem-8")
        .unwrap();
    assert_eq!(highmem.memory_gib, 64.0);
    // E2 has a RAM price in a non-hourly unit and no CPU price: no e2 machine, counted.
    assert!(catalog
        .instances
        .iter()
        .all(|i| !i.instance_type.starts_with("e2")));
    assert!(
        catalog.source.contains("1 with an unexpected unit"),
        "{}",
        catalog.source
    );
}

#[test]
fn plain_csv_with_offers_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir,
        "instances.csv",
        "provider,region,instance_type,vcpu,memory_gib,on_demand_hourly,architecture\n\
         other,dc-1,vm.large,8,32,0.25,\n\
         aws,us-east-1,m7g.large,2,8,0.0816,arm64\n",
    );
    write(
        &dir,
        "offers.csv",
        "provider,region,instance_type,kind,term_years,payment,upfront,hourly\n\
         aws,us-east-1,m7g.large,reserved_standard,1,partial_upfront,210,0.024\n",
    );
    let catalog = load_catalog(dir.path()).unwrap();
    assert_eq!(catalog.instances.len(), 2);
    let vm = catalog.find(Provider::Other, "dc-1", "vm.large").unwrap();
    assert_eq!(
        (vm.vcpu, vm.memory_gib, vm.on_demand_hourly),
        (8.0, 32.0, 0.25)
    );
    let m7g = catalog
        .find(Provider::Aws, "us-east-1", "m7g.large")
        .unwrap();
    assert_eq!((m7g.family.as_str(), m7g.generation), ("m7g", Some(7)));
    let pu = offer(m7g, OfferKind::ReservedStandard, 1, Payment::PartialUpfront);
    assert_eq!((pu.upfront, pu.hourly), (210.0, 0.024));
    // Errors name the file, row, column and value.
    let bad = write(
        &dir,
        "bad.csv",
        "provider,region,instance_type,vcpu,memory_gib,on_demand_hourly\naws,us-east-1,x,-2,8,1\n",
    );
    let message = load_catalog(&bad).unwrap_err().to_string();
    assert!(
        message.contains("bad.csv")
            && message.contains("row 1")
            && message.contains("'vcpu'")
            && message.contains("'-2'"),
        "{message}"
    );
    let unknown = write(&dir, "what.txt", "hello\n");
    assert!(load_catalog(&unknown)
        .unwrap_err()
        .to_string()
        .contains("unrecognised"));
}
