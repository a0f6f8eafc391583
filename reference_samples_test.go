package convoy

// The JSON samples of the Convoy API reference, byte for byte. The
// inventory create sample ends its array with "...", standing for more
// items, so it is not valid JSON as printed.
const (
	refManufacturerList = `[
  {
    "manufacturer_id": 1,
    "name": "Apple"
  },
  {
    "manufacturer_id": 2,
    "name": "Google"
  }
]
`
	refManufacturerGet = `{
  "manufacturer_id": 2,
  "name": "Google"
}
`
	refManufacturerCreate = `{
    "manufacturer_id": 3,
    "name": "Amazon"
}
`
	refProductList = `[
    {
        "sku": "sku1234",
        "barcode": "P4d119947-271f-4c59-95e9-dea70b84b6d1",
        "name": "iPhone 5s",
        "manufacturer": {
            "manufacturer_id": 1,
            "name": "Apple"
        }
    },
    {
        "sku": "sku2345",
        "barcode": "P104ec297-f258-4160-a6ff-567a125937b0",
        "name": "iPad Mini",
        "manufacturer": {
            "manufacturer_id": 1,
            "name": "Apple"
        }
    }
]
`
	refProductBySKU = `{
    "sku": "sku1234",
    "barcode": "P4d119947-271f-4c59-95e9-dea70b84b6d1",
    "name": "iPhone 5s",
    "manufacturer": {
        "manufacturer_id": 1,
        "name": "Apple"
    }
}
`
	refProductByBarcode = `{
    "sku": "sku1234",
    "barcode": "P4d119947-271f-4c59-95e9-dea70b84b6d1",
    "name": "iPhone 5s",
    "manufacturer": {
        "manufacturer_id": 1,
        "name": "Apple"
    }
}
`
	refProductCreate = `{
    "sku": "sku3456",
    "name": "Nexus S",
    "barcode": "P39dcc365-f09f-4e1a-991c-990094806025",
    "manufacturer": {
        "manufacturer_id": 2,
        "name": "Google"
    }
}
`
	refInventoryList = `[
    {
        "state": "INVENTORIED",
        "barcode": "I954d3fae-885e-4e46-b9fb-5de959acd7b5",
        "date_created": 1470287770,
        "date_modified": 1470287770,
        "product": {
            "sku": "sku1234",
            "name": "iPhone 5s",
            "manufacturer": {
                "manufacturer_id": 1,
                "name": "Apple"
            }
        }
    },
    {
        "state": "PACKED",
        "barcode": "I3b8c1c7e-9301-4ca2-89c8-b389bb2bdd6e",
        "date_created": 1470201567,
        "date_modified": 1470203927,
        "product": {
            "sku": "sku2345",
            "name": "iPad Mini",
            "manufacturer": {
                "manufacturer_id": 1,
                "name": "Apple"
            }
        }
    }
]
`
	refInventoryGet = `{
    "state": "INVENTORIED",
    "barcode": "I954d3fae-885e-4e46-b9fb-5de959acd7b5",
    "date_created": 1470287770,
    "date_modified": 1470287770,
    "product": {
        "sku": "sku1234",
        "name": "iPhone 5s",
        "manufacturer": {
            "manufacturer_id": 1,
            "name": "Apple"
        }
    }
}
`
	refInventoryCreate = `[
    {
        "state": "INVENTORIED",
        "barcode": "Ic3568f2c-a9e7-4f2e-b735-a351506c2897",
        "date_created": 1470289468,
        "date_modified": 1470289468,
        "product": {
            "sku": "sku1234",
            "name": "iPhone 5s",
            "manufacturer": {
                "manufacturer_id": 1,
                "name": "Apple"
            }
        }
    },
    ...
]
`
	refInventoryUpdate = `[
    {
        "state": "PACKED",
        "barcode": "I954d3fae-885e-4e46-b9fb-5de959acd7b5",
        "date_created": 1470287770,
        "date_modified": 1470287770,
        "product": {
            "sku": "sku1234",
            "name": "iPhone 5s",
            "manufacturer": {
                "manufacturer_id": 1,
                "name": "Apple"
            }
        }
    }
]
`
)
