// The optional private network (vnetEnabled): a virtual network with one subnet the Function App
// joins (Flex Consumption VNet integration, delegated to Microsoft.App/environments) and one for
// the private endpoints of PostgreSQL, Key Vault and both storage accounts, plus the private DNS
// zones that make their usual host names resolve to those endpoints inside the network.

param name string
param location string
param tags object

@description('Address space of the network; the two /24 subnets are its first two.')
param addressPrefix string = '10.20.0.0/16'

// Zone names per service. Storage's suffix comes from environment() so that a sovereign cloud gets
// its own; the PostgreSQL and Key Vault private-link zones have no such suffix in environment().
var zoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  vault: 'privatelink.vaultcore.azure.net'
  postgres: 'privatelink.postgres.database.azure.com'
}

resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(zoneNames): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(zoneNames): {
    parent: zones[i]
    name: '${name}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: network.id }
    }
  }
]

output appSubnetId string = network.properties.subnets[0].id
output privateEndpointSubnetId string = network.properties.subnets[1].id
@description('Private DNS zone id per service: blob, queue, table, vault, postgres.')
output zoneIds object = toObject(items(zoneNames), zone => zone.key, zone => resourceId('Microsoft.Network/privateDnsZones', zone.value))
