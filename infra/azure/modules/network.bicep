// The silos' network: one subnet for the silos and the internal load balancer (NSG: the API port, the load balancer's
// probe, and the Orleans ports between silos; everything else inbound denied), one for private endpoints, and a NAT
// gateway as the only way out (silos have no public IP; new subnets get no default outbound access).

@description('Prefix of every resource name.')
param namePrefix string

@description('Region of every resource.')
param location string

@description('HTTP port of the silo API and of /readyz.')
param apiPort int

@description('Orleans silo-to-silo port.')
param siloPort int

@description('Orleans gateway port.')
param gatewayPort int

@description('Who may call the API port: a CIDR or a service tag.')
param apiAllowedSourcePrefix string

@description('Address space of the virtual network.')
param vnetAddressPrefix string

@description('Subnet of the silos and the load balancer frontend.')
param siloSubnetPrefix string

@description('Subnet of the private endpoints.')
param endpointSubnetPrefix string

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-silo-nsg'
  location: location
  properties: {
    securityRules: [
      {
        name: 'allow-api'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: apiAllowedSourcePrefix
          sourcePortRange: '*'
          destinationAddressPrefix: siloSubnetPrefix
          destinationPortRange: string(apiPort)
        }
      }
      {
        // Health probes come from 168.63.129.16 (service tag AzureLoadBalancer), not from the virtual network.
        name: 'allow-lb-probe'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'AzureLoadBalancer'
          sourcePortRange: '*'
          destinationAddressPrefix: siloSubnetPrefix
          destinationPortRange: string(apiPort)
        }
      }
      {
        name: 'allow-orleans-in-subnet'
        properties: {
          priority: 120
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: siloSubnetPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: siloSubnetPrefix
          destinationPortRanges: [
            string(siloPort)
            string(gatewayPort)
          ]
        }
      }
      {
        // Above Azure's default rules (65000+), which would let the whole virtual network in on every port.
        name: 'deny-all-inbound'
        properties: {
          priority: 4096
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource natIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${namePrefix}-nat-ip'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = {
  name: '${namePrefix}-nat'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [
      {
        id: natIp.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetAddressPrefix
      ]
    }
    subnets: [
      {
        name: 'silos'
        properties: {
          addressPrefix: siloSubnetPrefix
          networkSecurityGroup: {
            id: nsg.id
          }
          natGateway: {
            id: nat.id
          }
          defaultOutboundAccess: false
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: endpointSubnetPrefix
          defaultOutboundAccess: false
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

@description('Resource id of the virtual network.')
output vnetId string = vnet.id

@description('Resource id of the silo subnet.')
output siloSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'silos')

@description('Resource id of the private endpoint subnet.')
output endpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'endpoints')

@description('Public egress address of the silos (the NAT gateway), e.g. for allow lists of RPC nodes.')
output egressAddress string = natIp.properties.ipAddress
