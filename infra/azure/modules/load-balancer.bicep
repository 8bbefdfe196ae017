// The internal Standard load balancer in front of the silos' API: a private, zone-redundant frontend in the silo
// subnet, an HTTP probe on GET /readyz (200 only while the silo is an active member and its store answers), and one
// TCP rule to the API port. Internal because the silo API is plain HTTP and a layer-4 load balancer cannot terminate
// TLS (docs/deploy-azure.md).

@description('Name of the load balancer.')
param lbName string

@description('Region of the load balancer.')
param location string

@description('Zones of the frontend (zone-redundant across the silo zones).')
param zones array

@description('Private address of the frontend in the silo subnet.')
param frontendIp string

@description('Resource id of the silo subnet.')
param siloSubnetId string

@description('HTTP port of the silo API and of /readyz.')
param apiPort int

resource lb 'Microsoft.Network/loadBalancers@2024-05-01' = {
  name: lbName
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    // Internal: the silo API is plain HTTP (TLS terminates in front of it), so it is never exposed on a public IP.
    frontendIPConfigurations: [
      {
        name: 'api'
        zones: zones
        properties: {
          privateIPAllocationMethod: 'Static'
          privateIPAddress: frontendIp
          subnet: {
            id: siloSubnetId
          }
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'silos'
      }
    ]
    probes: [
      {
        name: 'readyz'
        properties: {
          protocol: 'Http'
          port: apiPort
          requestPath: '/readyz'
          intervalInSeconds: 5
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      {
        name: 'api'
        properties: {
          protocol: 'Tcp'
          frontendPort: apiPort
          backendPort: apiPort
          enableTcpReset: true
          idleTimeoutInMinutes: 4
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', lbName, 'api')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', lbName, 'silos')
          }
          probe: {
            id: resourceId('Microsoft.Network/loadBalancers/probes', lbName, 'readyz')
          }
        }
      }
    ]
  }
}

@description('Resource id of the backend pool the silo NICs join.')
output backendPoolId string = resourceId('Microsoft.Network/loadBalancers/backendAddressPools', lbName, 'silos')
