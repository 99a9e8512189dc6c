// One private endpoint: a network interface in the private-endpoint subnet for one sub-resource
// (groupId) of a service, registered in that service's private DNS zone.

param name string
param location string
param tags object

@description('Resource id of the service (storage account, vault, PostgreSQL server).')
param serviceId string

@description('The sub-resource: blob, queue, table, vault or postgresqlServer.')
param groupId string

param subnetId string

@description('Private DNS zone that resolves the service\'s host name to this endpoint.')
param dnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: serviceId
          groupIds: [groupId]
        }
      }
    ]
  }

  resource dns 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: groupId
          properties: { privateDnsZoneId: dnsZoneId }
        }
      ]
    }
  }
}
